package dev.cortado.nn.layers;

import dev.cortado.backend.BatchNormSpec;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Parameter;
import dev.cortado.nn.ParameterFactory;
import dev.cortado.nn.init.Fans;
import dev.cortado.nn.init.InitSpec;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization (Ioffe and Szegedy 2015) per channel of {@code [N, C, H, W]} or per feature of
 * {@code [N, F]}. TRAIN normalizes with the batch statistics and moves the running statistics toward
 * them; EVAL normalizes with the running statistics. γ starts at 1 and β at 0, both without weight decay.
 */
public final class BatchNormLayer extends AbstractLayer {
    private static final Fans UNUSED_FANS = new Fans(1, 1);

    private final BatchNormSpec spec;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor savedMean;
    private final Tensor savedInvStd;
    private final ReusableTensor output = reusableTensor();
    private final ReusableTensor inputGradient = reusableTensor();
    private final ReusableTensor normalized = reusableTensor();
    private Tensor ones;
    private Tensor zeros;
    private Tensor input;
    private Mode lastMode;

    public BatchNormLayer(String name, ParameterFactory params, Shape inputShape, BatchNormSpec spec) {
        super(name, params.backend());
        this.spec = spec;
        featuresOrImages(List.of(inputShape));
        this.channels = inputShape.channels();
        Shape perChannel = Shape.of(channels);
        this.gamma = register(params.create(name + ".weight", perChannel, InitSpec.ones(), UNUSED_FANS, false));
        this.beta = register(params.create(name + ".bias", perChannel, InitSpec.zeros(), UNUSED_FANS, false));
        this.runningMean = own(params.constant(name + ".running_mean", perChannel, InitSpec.zeros(), UNUSED_FANS));
        this.runningVar = own(params.constant(name + ".running_var", perChannel, InitSpec.ones(), UNUSED_FANS));
        this.savedMean = own(backend.allocate(perChannel));
        this.savedInvStd = own(backend.allocate(perChannel));
    }

    @Override
    public String type() {
        return "BatchNorm";
    }

    public BatchNormSpec spec() {
        return spec;
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        return featuresOrImagesOf(inputShapes, channels);
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> b = new LinkedHashMap<>();
        b.put(name + ".running_mean", runningMean);
        b.put(name + ".running_var", runningVar);
        return b;
    }

    /** Inference form: a scale and a shift per element (the statistics fold into γ and β). */
    @Override
    public long flops(List<Shape> inputShapes) {
        return 2 * outputShape(inputShapes).size();
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        Tensor y = output.get(outputShape(List.of(x.shape())));
        if (mode == Mode.TRAIN) {
            long perChannel = x.size() / channels;
            if (perChannel < 2) {
                throw new IllegalArgumentException("layer '" + name + "' (BatchNorm): training needs more than one"
                        + " value per channel to estimate a variance, got input " + x.shape()
                        + "; use a batch of 2 or more");
            }
            backend.normalization().batchNormTrainingForward(x, gamma.value(), beta.value(), spec,
                    runningMean, runningVar, y, savedMean, savedInvStd);
        } else {
            backend.normalization().batchNormInferenceForward(x, gamma.value(), beta.value(), spec,
                    runningMean, runningVar, y);
        }
        input = x;
        lastMode = mode;
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        Tensor dx = inputGradient.get(input.shape());
        if (lastMode == Mode.TRAIN) {
            backend.normalization().batchNormBackward(input, gradOutput, gamma.value(), spec, savedMean, savedInvStd,
                    dx, gamma.gradient(), beta.gradient());
        } else {
            frozenBackward(gradOutput, dx);
        }
        return needInputGradient ? List.of(dx) : List.of();
    }

    /**
     * Backward through the EVAL form y = γ·x̂ + β with x̂ = (x - μ_run)/√(σ²_run + ε) and the statistics
     * constant (fine-tuning with frozen batch norm): dβ = Σ dy, dγ = Σ dy·x̂, dx = γ·dy/√(σ²_run + ε).
     * Each is an inference-mode normalization with suitable γ, β and mean, so it reuses that op.
     */
    private void frozenBackward(Tensor dy, Tensor dx) {
        if (ones == null) {
            ones = own(backend.allocate(Shape.of(channels)));
            backend.tensors().fill(ones, 1f);
            zeros = own(backend.allocate(Shape.of(channels)));
            backend.tensors().fill(zeros, 0f);
        }
        var norm = backend.normalization();
        backend.tensors().channelBiasGradient(dy, beta.gradient());
        Tensor xHat = normalized.get(input.shape());
        norm.batchNormInferenceForward(input, ones, zeros, spec, runningMean, runningVar, xHat);
        backend.tensors().multiply(xHat, dy, xHat);
        backend.tensors().channelBiasGradient(xHat, gamma.gradient());
        norm.batchNormInferenceForward(dy, gamma.value(), zeros, spec, zeros, runningVar, dx);
    }
}
