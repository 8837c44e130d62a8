/**
 * Layers and networks over the {@link dev.cortado.backend.Backend} op interface only, so they run
 * unchanged on every backend.
 *
 * <p>One construction path: a {@link dev.cortado.nn.NetworkBuilder} (Java) or a config parser fills
 * a {@link dev.cortado.nn.NetworkSpec} of {@link dev.cortado.nn.NodeSpec}s and
 * {@link dev.cortado.nn.LayerSpec} records; {@link dev.cortado.nn.Network#build} infers every shape,
 * creates each layer for its input shapes and draws its parameters through a
 * {@link dev.cortado.nn.ParameterFactory} (one generator per parameter name, see
 * {@link dev.cortado.nn.init.InitSpec}). Concrete layers live in {@code dev.cortado.nn.layers}.
 */
package dev.cortado.nn;
