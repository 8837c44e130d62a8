package dev.cortado.cli;

import dev.cortado.train.Trainer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM (a scheduler's preemption) and SIGINT (Ctrl-C) during training: the first asks the trainer
 * to stop after the current step, so that the run can save its state and say how to resume; a second
 * exits at once, through the shutdown hooks, so temporary files go and no checkpoint is left torn
 * (checkpoints are renamed into place whole). The previous handlers come back on {@link #close()}.
 */
final class Preemption implements AutoCloseable {
    private record Installed(Signal signal, SignalHandler previous) {
    }

    private final List<Installed> installed = new ArrayList<>();
    private volatile Signal caught;

    private Preemption() {
    }

    static Preemption install(Trainer trainer, PrintWriter err) {
        Preemption p = new Preemption();
        for (String name : List.of("TERM", "INT")) {
            Signal signal = new Signal(name);
            SignalHandler previous = Signal.handle(signal, s -> {
                if (p.caught != null) {
                    err.println("cortado train: second SIG" + s.getName() + ", stopping now");
                    err.flush();
                    System.exit(exitCode(s));
                }
                p.caught = s;
                err.println();
                err.println("cortado train: SIG" + s.getName() + " received; stopping after this step to save the run"
                        + " (send it again to stop at once)");
                err.flush();
                trainer.stop();
            });
            p.installed.add(new Installed(signal, previous));
        }
        return p;
    }

    /** The signal that stopped the run, or null. */
    Signal caught() {
        return caught;
    }

    /** The shell's convention for death by a signal: 128 plus its number (130 for SIGINT, 143 for SIGTERM). */
    static int exitCode(Signal s) {
        return 128 + s.getNumber();
    }

    @Override
    public void close() {
        installed.forEach(i -> Signal.handle(i.signal(), i.previous()));
    }
}
