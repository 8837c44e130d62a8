package dev.cortado.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the kernel sources that the cuda-kernels module ships as resources under
 * {@code dev/cortado/kernels/} and assembles each module with the headers it includes.
 */
public final class KernelSources {
    public static final String RESOURCE_DIRECTORY = "/dev/cortado/kernels/";

    /** The kernel modules, one {@code .cu} file each. */
    public static final List<String> MODULES = List.of("optimizers", "dropout", "losses", "activations", "tensor_ops");

    // Quoted includes only: angle-bracket includes are the standard headers, guarded out under NVRTC.
    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s+\"([^\"]+)\"", Pattern.MULTILINE);

    private KernelSources() {
    }

    public static KernelProgram load(String module) {
        return assemble(module, KernelSources::readResource);
    }

    /**
     * The module's source plus every header it reaches through quoted includes, in first-seen order.
     * {@code reader} maps a file name to its text, or null when there is no such file.
     */
    static KernelProgram assemble(String module, Function<String, String> reader) {
        String source = reader.apply(module + ".cu");
        if (source == null) {
            throw new IllegalStateException("kernel module " + module + ".cu is not among the resources under "
                    + RESOURCE_DIRECTORY + ": is cortado-cuda-kernels on the class path?");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        collect(module + ".cu", source, reader, headers);
        return new KernelProgram(module, source, new ArrayList<>(headers.keySet()), new ArrayList<>(headers.values()));
    }

    private static void collect(String from, String text, Function<String, String> reader, Map<String, String> headers) {
        Matcher m = INCLUDE.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            if (headers.containsKey(name)) {
                continue;
            }
            String header = reader.apply(name);
            if (header == null) {
                throw new IllegalStateException("kernel source " + from + " includes \"" + name
                        + "\", which is not among the resources under " + RESOURCE_DIRECTORY);
            }
            headers.put(name, header);
            collect(name, header, reader, headers);
        }
    }

    static String readResource(String name) {
        try (InputStream in = KernelSources.class.getResourceAsStream(RESOURCE_DIRECTORY + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + name, e);
        }
    }
}
