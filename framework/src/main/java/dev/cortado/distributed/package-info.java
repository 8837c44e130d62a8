/**
 * Data-parallel training: replicas of one network, one per device, and the collectives they exchange
 * gradients with.
 *
 * <p>A {@link dev.cortado.distributed.Collective} is one rank's handle on a group (PyTorch c10d's
 * ProcessGroup): {@code allReduce}, {@code broadcast}, {@code barrier}, with a transport per setting —
 * {@link dev.cortado.distributed.SharedMemoryCollective} between CPU replicas of one process,
 * {@code dev.cortado.backend.cuda.CudaRingCollective} between GPUs of one process, TCP between machines.
 * {@link dev.cortado.distributed.DataParallel} builds the replicas and groups their gradients into
 * buckets that are all-reduced while backward goes on; the trainer runs its step on every replica and
 * does not know which transport carries the gradients.
 */
package dev.cortado.distributed;
