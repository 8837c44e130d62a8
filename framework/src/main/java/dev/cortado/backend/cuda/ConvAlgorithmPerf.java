package dev.cortado.backend.cuda;

/**
 * One entry of cuDNN's algorithm ranking (cudnnConvolution*AlgoPerf_t) in a form free of JCudnn, so that
 * the choice among them is testable without a device.
 *
 * @param status 0 (CUDNN_STATUS_SUCCESS) when the algorithm can run this convolution
 * @param timeMs measured time from cudnnFind*, or cuDNN's estimate order from cudnnGet*_v7 (-1 when unknown)
 * @param workspaceBytes the workspace it needs
 */
public record ConvAlgorithmPerf(int algorithm, int status, float timeMs, long workspaceBytes,
                                boolean deterministic, int mathType) {
}
