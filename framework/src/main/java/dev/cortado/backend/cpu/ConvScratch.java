package dev.cortado.backend.cpu;

/**
 * The scratch pools of one {@link CpuConvolution}, shared by its algorithms: consecutive layers and
 * directions then take the same arrays (an L2-sized column block, a padded sample) instead of one set
 * per algorithm, and a training step allocates nothing once each size has been met.
 *
 * @param columns im2col column blocks
 * @param outputs a block's [K × nb·OH·OW] product or gathered dy
 * @param filterPartials one partial dW per thread's run of samples
 * @param rotatedFilters the filters rotated by 180° for backward data as a forward pass
 * @param padded zero-padded or column-unrolled samples
 * @param packedFilters filters packed in panels of 8 output channels for the implicit forward pass
 * @param edgeTiles a forward tile for output channels past the last whole panel
 * @param paddedGradients dy laid out with the padded input's row pitch
 * @param laneSums the per-entry lane vectors of the implicit filter gradients
 */
record ConvScratch(Workspaces columns, Workspaces outputs, Workspaces filterPartials, Workspaces rotatedFilters,
                   Workspaces padded, Workspaces packedFilters, Workspaces edgeTiles, Workspaces paddedGradients,
                   Workspaces laneSums) {

    ConvScratch() {
        this(new Workspaces(), new Workspaces(), new Workspaces(), new Workspaces(), new Workspaces(),
                new Workspaces(), new Workspaces(), new Workspaces(), new Workspaces());
    }
}
