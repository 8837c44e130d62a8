package dev.cortado.backend.cuda;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One kernel module ready for NVRTC: the {@code .cu} source and the headers it includes, directly or
 * not, as (name, source) pairs. NVRTC cannot open files from a jar, so the headers travel by name
 * ({@code nvrtcCreateProgram}'s headers and includeNames arguments).
 */
public record KernelProgram(String module, String source, List<String> headerNames, List<String> headerSources) {

    public KernelProgram {
        headerNames = List.copyOf(headerNames);
        headerSources = List.copyOf(headerSources);
        if (headerNames.size() != headerSources.size()) {
            throw new IllegalArgumentException("kernel " + module + ": " + headerNames.size() + " header names but "
                    + headerSources.size() + " sources");
        }
    }

    /** The file name NVRTC reports in diagnostics. */
    public String fileName() {
        return module + ".cu";
    }

    /** SHA-256 over the module's source, every header's name and text, and the compile options, in hex. */
    public String hash(List<String> options) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            update(d, module);
            update(d, source);
            for (int i = 0; i < headerNames.size(); i++) {
                update(d, headerNames.get(i));
                update(d, headerSources.get(i));
            }
            for (String o : options) {
                update(d, o);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // Length-prefixed, so that ("ab", "c") and ("a", "bc") hash differently.
    private static void update(MessageDigest d, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        d.update((byte) ':');
        d.update(b);
    }
}
