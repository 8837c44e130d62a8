package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jcuda.driver.CUcontext;
import org.junit.jupiter.api.Test;

/**
 * A backend's device is made current on whichever thread calls it: the binding is per thread, repeated
 * only when the thread last bound another backend, and includes the driver context once it is known.
 */
class DeviceBindingTest {
    /** Records each native call as "thread: call". */
    private static final class Recorder implements DeviceBinding.Natives {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void setDevice(int ordinal) {
            calls.add(Thread.currentThread().getName() + ": cudaSetDevice(" + ordinal + ")");
        }

        @Override
        public void setContext(CUcontext context) {
            calls.add(Thread.currentThread().getName() + ": cuCtxSetCurrent");
        }
    }

    private static void onThread(String name, Runnable body) throws InterruptedException {
        Thread t = new Thread(body, name);
        t.start();
        t.join();
    }

    @Test
    void eachThreadBindsTheDeviceOfTheBackendItCalls() throws InterruptedException {
        Recorder natives = new Recorder();
        DeviceBinding cuda0 = new DeviceBinding(0, natives);
        DeviceBinding cuda1 = new DeviceBinding(1, natives);
        onThread("main", () -> {
            cuda0.bind();
            cuda0.bind();
            cuda1.bind();
            cuda1.bind();
        });
        // A replica's thread that calls cuda:1 gets cuda:1, although the thread that built it last bound cuda:1 too.
        onThread("replica-1", cuda1::bind);
        onThread("replica-0", () -> {
            cuda0.bind();
            cuda1.bind();
            cuda0.bind();
        });
        assertEquals(List.of("main: cudaSetDevice(0)", "main: cudaSetDevice(1)", "replica-1: cudaSetDevice(1)",
                "replica-0: cudaSetDevice(0)", "replica-0: cudaSetDevice(1)", "replica-0: cudaSetDevice(0)"),
                natives.calls);
    }

    @Test
    void theDriverContextIsBoundWithTheDeviceOnceKnown() throws InterruptedException {
        Recorder natives = new Recorder();
        DeviceBinding cuda2 = new DeviceBinding(2, natives);
        onThread("builder", () -> {
            cuda2.bind();
            cuda2.setContext(new CUcontext());
            cuda2.bind();
        });
        onThread("worker", cuda2::bind);
        assertEquals(List.of("builder: cudaSetDevice(2)", "builder: cudaSetDevice(2)", "builder: cuCtxSetCurrent",
                "worker: cudaSetDevice(2)", "worker: cuCtxSetCurrent"), natives.calls);
    }

    @Test
    void twoBackendsOfOneDeviceRebindOnlyWhenTheThreadSwitches() throws InterruptedException {
        Recorder natives = new Recorder();
        DeviceBinding first = new DeviceBinding(0, natives);
        DeviceBinding second = new DeviceBinding(0, natives);
        onThread("t", () -> {
            first.bind();
            first.bind();
            second.bind();
            first.forget();
            second.bind();
        });
        assertEquals(List.of("t: cudaSetDevice(0)", "t: cudaSetDevice(0)"), natives.calls);
    }
}
