package dev.cortado.backend.cpu;

import dev.cortado.backend.*;
import dev.cortado.tensor.Tensor;
import java.util.List;

final class CpuTensorOps implements TensorOps {
    private final ParallelLoop loop;

    CpuTensorOps(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public void copyFromHost(float[] source, Tensor destination) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void copyToHost(Tensor source, float[] destination) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void copy(Tensor source, Tensor destination) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void fill(Tensor t, float value) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void scale(Tensor t, float alpha) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void multiply(Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void clamp(Tensor t, float lo, float hi) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void addChannelBias(Tensor y, Tensor bias) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void channelBiasGradient(Tensor dy, Tensor db) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void concatChannels(List<Tensor> inputs, Tensor out) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void splitChannels(Tensor input, List<Tensor> outputs) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public float sum(Tensor t) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public float mean(Tensor t) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public float max(Tensor t) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public void argmax(Tensor x, Tensor out) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public int topKCorrect(Tensor scores, Tensor labels, int k) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }

    @Override
    public float globalL2Norm(List<Tensor> tensors) {
        throw new UnsupportedOperationException("CpuTensorOps: not implemented yet");
    }
}
