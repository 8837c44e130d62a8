package dev.cortado.backend;

import dev.cortado.backend.cpu.CpuBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The backends a conformance test runs against: the CPU backend always, the CUDA backend where a
 * device exists. Use as {@code @MethodSource("dev.cortado.backend.BackendsUnderTest#all")}.
 * {@link #reference()} is the CPU backend the others are compared with.
 *
 * <p>The backends are shared by every test, but JUnit closes each {@link AutoCloseable} argument of a
 * parameterized test after the invocation; they are therefore handed out behind a view whose
 * {@code close()} does nothing (a closed CPU backend has no worker threads left).
 */
public final class BackendsUnderTest {
    private static final Backend CPU = unclosable(new CpuBackend(2));
    private static List<Backend> all;

    private BackendsUnderTest() {
    }

    public static Backend reference() {
        return CPU;
    }

    public static synchronized Stream<Backend> all() {
        if (all == null) {
            all = new ArrayList<>();
            all.add(CPU);
            GpuBackendsUnderTest.present().forEach(b -> all.add(unclosable(b)));
        }
        return all.stream();
    }

    private static Backend unclosable(Backend backend) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            return null;
                        case "equals":
                            return proxy == args[0];
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        default:
                            break;
                    }
                    try {
                        return method.invoke(backend, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
