package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.infer.Classifier;
import dev.cortado.infer.Prediction;
import dev.cortado.models.PretrainedWeights;
import dev.cortado.nn.Network;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cortado predict}: the class, its probability and the top-k of each image. */
@Command(name = "predict", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Classify image files (PNG, JPEG) or the first images of an IDX file with a checkpoint.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A checkpoint"
            + " of 'cortado train', or a torchvision state dict saved as safetensors (resnet18, resnet50, vgg16,"
            + " vgg16_bn, googlenet).")
    Path checkpoint;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Image files, or an IDX images file.")
    List<Path> files;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "10",
            description = "Images to take from an IDX file. Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "3", description = "Default: ${DEFAULT-VALUE}.")
    int topK;

    @Mixin
    BackendOptions backend;

    @Option(names = "--json", description = "Print one JSON object with the predictions on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || topK < 1) {
            throw new UserInputException("--limit and --top-k must be at least 1");
        }
        CheckpointModel saved = CheckpointModel.read(checkpoint);
        List<Integer> in = saved.network().inputShape();
        List<ImageInput.Sample> samples = new ArrayList<>();
        for (Path f : files) {
            if (!java.nio.file.Files.isRegularFile(f)) {
                throw new UserInputException(f + ": no such file");
            }
            if (ImageInput.isIdx(f)) {
                samples.addAll(ImageInput.readIdx(f, limit, in.get(0), in.get(1), in.get(2), saved.normalize()));
            } else {
                samples.add(ImageInput.readImage(f, in.get(0), in.get(1), in.get(2), saved.normalize()));
            }
        }
        List<Map<String, Object>> predictions = new ArrayList<>();
        try (Backend device = backend.open();
             Network network = Network.build(saved.network(), device, 0)) {
            PretrainedWeights.load(checkpoint, network, saved.model());
            Classifier classifier = Classifier.of(network, saved.normalize(), saved.classNames());
            int sampleSize = classifier.preprocessing().sampleSize();
            float[] batch = new float[samples.size() * sampleSize];
            for (int i = 0; i < samples.size(); i++) {
                System.arraycopy(samples.get(i).pixels(), 0, batch, i * sampleSize, sampleSize);
            }
            List<Prediction> results = classifier.classify(batch);
            for (int i = 0; i < results.size(); i++) {
                Prediction p = results.get(i);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("input", samples.get(i).label());
                m.put("class", p.best().name());
                m.put("index", p.best().index());
                m.put("probability", p.best().probability());
                List<Map<String, Object>> top = new ArrayList<>();
                for (Prediction.Label l : p.top(topK)) {
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("class", l.name());
                    t.put("probability", l.probability());
                    top.add(t);
                }
                m.put("top_k", top);
                predictions.add(m);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, Map.of("predictions", predictions));
            return ExitCodes.OK;
        }
        for (Map<String, Object> m : predictions) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s: %s (%.2f%%)", m.get("input"),
                    m.get("class"), 100 * (Double) m.get("probability")));
            b.append("  top-").append(((List<?>) m.get("top_k")).size()).append(':');
            for (Object o : (List<?>) m.get("top_k")) {
                Map<?, ?> t = (Map<?, ?>) o;
                b.append(String.format(Locale.ROOT, " %s %.2f%%", t.get("class"), 100 * (Double) t.get("probability")));
            }
            out.println(b);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
