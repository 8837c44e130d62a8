package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.Backend;
import dev.cortado.distributed.Collective;
import dev.cortado.distributed.Rendezvous;
import dev.cortado.distributed.RingSchedule;
import dev.cortado.distributed.Work;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaMemcpyKind;
import jcuda.runtime.cudaStream_t;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The in-process transport between GPUs: a ring all-reduce (reduce-scatter, then all-gather; see
 * {@link RingSchedule}) over peer-to-peer copies, without NCCL (JCuda has no binding of it on Maven Central,
 * and users would have to install its native library by hand).
 *
 * <p>Each rank has a communication stream of its own beside its backend's compute stream. A rank that starts
 * an all-reduce records an event where its gradients are ready in its compute stream and goes on with
 * backward; the rank that arrives last ({@link Rendezvous}) enqueues the whole ring on the communication
 * streams — pack the tensors into a flat bucket, K − 1 reduce-scatter steps (a peer copy of the sender's
 * chunk into the receiver's buffer, then the element-wise add kernel), a barrier between the phases, K − 1
 * all-gather steps (a peer copy over the receiver's chunk), unpack — with events for every cross-stream
 * dependency, and returns. {@link Work#await()} then makes the rank's compute stream wait for its ring to
 * finish: the host never waits for the GPU. The sums are in the ring order the schedule fixes, so a run in
 * deterministic mode repeats bit for bit, and every rank ends with the same bits.
 *
 * <p>Copies go peer to peer where {@code cudaDeviceCanAccessPeer} allows (NVLink or PCIe), within a device
 * when both ranks share one, and otherwise through a page-locked host buffer per link.
 *
 * <p>Not run here: written and compiled on a machine without a GPU; the schedule it enqueues is checked on
 * host arrays by RingScheduleTest, and benchmarks/gpu/device_checks.sh runs it (two replicas on one GPU)
 * where a GPU is lent.
 */
public final class CudaRingCollective implements Collective {
    private static final Logger LOG = LogManager.getLogger(CudaRingCollective.class);
    private static final int ERROR_PEER_ACCESS_ALREADY_ENABLED = 704;

    private final Ring ring;
    private final int rank;
    private final CudaWork[] works;
    private long issued;

    private CudaRingCollective(Ring ring, int rank) {
        this.ring = ring;
        this.rank = rank;
        this.works = new CudaWork[Rendezvous.SLOTS];
    }

    /** The ranks of a new group over these CUDA backends, one per replica, in rank order. */
    public static List<Collective> group(List<Backend> backends) {
        List<CudaContext> contexts = new ArrayList<>();
        for (Backend b : backends) {
            if (!(b instanceof CudaBackend cuda)) {
                throw new IllegalArgumentException("the CUDA ring connects CUDA backends, got " + b.name());
            }
            contexts.add(cuda.context());
        }
        Ring ring = new Ring(contexts);
        List<Collective> ranks = new ArrayList<>();
        for (int r = 0; r < contexts.size(); r++) {
            ranks.add(new CudaRingCollective(ring, r));
        }
        return List.copyOf(ranks);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return ring.size;
    }

    @Override
    public Work allReduce(List<Tensor> tensors) {
        return arrive(Rendezvous.Kind.ALL_REDUCE, tensors, -1);
    }

    /** Returns once the copy is ordered before this rank's later work on its compute stream. */
    @Override
    public void broadcast(List<Tensor> tensors, int root) {
        if (root < 0 || root >= ring.size) {
            throw new IllegalArgumentException("broadcast from rank " + root + " in a group of " + ring.size);
        }
        arrive(Rendezvous.Kind.BROADCAST, tensors, root).await();
    }

    @Override
    public void barrier() {
        arrive(Rendezvous.Kind.BARRIER, List.of(), -1).await();
    }

    private Work arrive(Rendezvous.Kind kind, List<Tensor> tensors, int root) {
        long sequence = issued++;
        Work pending = ring.rendezvous.arrive(rank, sequence, kind, tensors, root);
        int slot = (int) (sequence % Rendezvous.SLOTS);
        CudaWork w = works[slot];
        if (w == null) {
            w = new CudaWork();
            works[slot] = w;
        }
        w.pending = pending;
        w.slot = slot;
        return w;
    }

    @Override
    public void abort(Throwable cause) {
        ring.rendezvous.abort(cause);
    }

    /** The rings' time on rank 0's communication stream, from packing to unpacking, measured with CUDA events. */
    @Override
    public long allReduceNanos() {
        return ring.allReduceNanos();
    }

    @Override
    public void close() {
        ring.closeRank();
    }

    /** This rank's handle: the host waits until the ring is enqueued, then the compute stream waits for it. */
    private final class CudaWork implements Work {
        Work pending;
        int slot;

        @Override
        public void await() {
            pending.await();
            CudaContext ctx = ring.contexts[rank];
            ctx.binding.bind();
            cudaEvent_t done = ring.done[slot][rank];
            if (done != null) {
                CudaCalls.runtime("all-reduce", "cudaStreamWaitEvent",
                        () -> JCuda.cudaStreamWaitEvent(ctx.stream, done, 0));
            }
        }

        @Override
        public boolean isCompleted() {
            return pending.isCompleted();
        }
    }

    /** The group: streams, buffers, events and links of every rank; the ring is enqueued under its lock. */
    private static final class Ring {
        final int size;
        final CudaContext[] contexts;
        final cudaStream_t[] comm;
        final CUstream[] commDriver;
        final Link[] links;
        final Rendezvous rendezvous;
        /** Per slot and rank: where the rank's inputs are ready in its compute stream. */
        final cudaEvent_t[][] ready;
        /** Per slot and rank: where the rank's part of the operation is done in its communication stream. */
        final cudaEvent_t[][] done;
        /** Per rank, after each step of the ring on its communication stream (0: packed). Guarded by this. */
        final cudaEvent_t[][] steps;
        /** Per rank, the done event of the operation enqueued last. Guarded by this. */
        final cudaEvent_t[] previousDone;
        final CudaBuffer[] bucket;
        final CudaBuffer[] received;
        final cudaEvent_t[] timingStart = new cudaEvent_t[Rendezvous.SLOTS];
        final cudaEvent_t[] timingEnd = new cudaEvent_t[Rendezvous.SLOTS];
        final boolean[] timingPending = new boolean[Rendezvous.SLOTS];
        long timedNanos;
        int openRanks;

        Ring(List<CudaContext> contexts) {
            this.size = contexts.size();
            this.contexts = contexts.toArray(new CudaContext[0]);
            this.comm = new cudaStream_t[size];
            this.commDriver = new CUstream[size];
            this.links = new Link[size];
            this.ready = new cudaEvent_t[Rendezvous.SLOTS][size];
            this.done = new cudaEvent_t[Rendezvous.SLOTS][size];
            this.steps = new cudaEvent_t[size][2 * size - 1];
            this.previousDone = new cudaEvent_t[size];
            this.bucket = new CudaBuffer[size];
            this.received = new CudaBuffer[size];
            this.openRanks = size;
            for (int r = 0; r < size; r++) {
                CudaContext ctx = this.contexts[r];
                ctx.binding.bind();
                cudaStream_t s = new cudaStream_t();
                CudaCalls.runtime("start all-reduce on " + ctx.device, "cudaStreamCreateWithFlags",
                        () -> JCuda.cudaStreamCreateWithFlags(s, JCuda.cudaStreamNonBlocking));
                comm[r] = s;
                commDriver[r] = new CUstream(s);
                for (int k = 0; k < steps[r].length; k++) {
                    steps[r][k] = event(ctx);
                }
            }
            for (int r = 0; r < size; r++) {
                links[r] = Link.between(this.contexts[r], this.contexts[(r + 1) % size]);
            }
            this.rendezvous = new Rendezvous(size, this::run, this::recordReady);
        }

        private static cudaEvent_t event(CudaContext ctx) {
            cudaEvent_t e = new cudaEvent_t();
            CudaCalls.runtime("all-reduce events on " + ctx.device, "cudaEventCreateWithFlags",
                    () -> JCuda.cudaEventCreateWithFlags(e, JCuda.cudaEventDisableTiming));
            return e;
        }

        /** On rank r's own thread: where its inputs are ready in its compute stream. */
        void recordReady(int r, int slot) {
            CudaContext ctx = contexts[r];
            ctx.binding.bind();
            if (ready[slot][r] == null) {
                ready[slot][r] = event(ctx);
            }
            cudaEvent_t e = ready[slot][r];
            CudaCalls.runtime("all-reduce", "cudaEventRecord", () -> JCuda.cudaEventRecord(e, ctx.stream));
        }

        /** On the last rank's thread: the whole operation, enqueued on the communication streams. */
        synchronized void run(Rendezvous.Arrival a) {
            int slot = a.slot();
            for (int r = 0; r < size; r++) {
                if (done[slot][r] == null) {
                    contexts[r].binding.bind();
                    done[slot][r] = event(contexts[r]);
                }
            }
            long floats = 0;
            for (Tensor t : a.tensors(0)) {
                floats += t.size();
            }
            switch (a.kind()) {
                case ALL_REDUCE -> allReduce(a, slot, floats);
                case BROADCAST -> broadcast(a, slot, floats);
                case BARRIER -> { }
            }
            for (int r = 0; r < size; r++) {
                CudaContext ctx = contexts[r];
                ctx.binding.bind();
                cudaEvent_t d = done[slot][r];
                int rank = r;
                if (a.kind() == Rendezvous.Kind.BARRIER) {
                    // Nothing on the GPU: done where the rank's compute stream stands.
                    waitFor(rank, ready[slot][rank]);
                }
                CudaCalls.runtime("all-reduce", "cudaEventRecord", () -> JCuda.cudaEventRecord(d, comm[rank]));
                previousDone[r] = d;
            }
        }

        private void allReduce(Rendezvous.Arrival a, int slot, long floats) {
            RingSchedule schedule = new RingSchedule(size, floats);
            ensureBuffers(floats, schedule.largestChunk());
            startTiming(slot);
            for (int r = 0; r < size; r++) {
                waitFor(r, ready[slot][r]);
                // The next rank may still read this rank's bucket for the previous operation.
                waitFor(r, previousDone[(r + 1) % size]);
                copyTensors(r, a.tensors(r), true);
                record(r, 0);
            }
            for (int step = 0; step < schedule.steps(); step++) {
                for (int r = 0; r < size; r++) {
                    int to = schedule.next(r);
                    int c = schedule.reduceScatterChunk(r, step);
                    long n = schedule.chunkSize(c);
                    waitFor(to, steps[r][step]);
                    if (n > 0) {
                        Pointer chunkFrom = at(bucket[r], schedule.chunkStart(c));
                        Pointer chunkTo = at(bucket[to], schedule.chunkStart(c));
                        links[r].copy(chunkFrom, received[to].pointer(), n, comm[r], comm[to]);
                        contexts[to].kernels.launchOn(commDriver[to], "all-reduce", Kernel.ADD, n, chunkTo,
                                received[to].pointer(), chunkTo, n);
                    }
                }
                for (int r = 0; r < size; r++) {
                    record(schedule.next(r), step + 1);
                }
            }
            // Every rank has read what it needs from its neighbour's partial sums before sums overwrite them.
            for (int r = 0; r < size; r++) {
                for (int other = 0; other < size; other++) {
                    if (other != r) {
                        waitFor(r, steps[other][size - 1]);
                    }
                }
            }
            for (int step = 0; step < schedule.steps(); step++) {
                for (int r = 0; r < size; r++) {
                    int to = schedule.next(r);
                    int c = schedule.allGatherChunk(r, step);
                    long n = schedule.chunkSize(c);
                    waitFor(to, steps[r][size - 1 + step]);
                    if (n > 0) {
                        links[r].copy(at(bucket[r], schedule.chunkStart(c)), at(bucket[to], schedule.chunkStart(c)), n,
                                comm[r], comm[to]);
                    }
                }
                for (int r = 0; r < size; r++) {
                    record(schedule.next(r), size + step);
                }
            }
            for (int r = 0; r < size; r++) {
                copyTensors(r, a.tensors(r), false);
            }
            endTiming(slot);
        }

        /** The root's tensors along the ring, rank after rank, each unpacked where it arrives. */
        private void broadcast(Rendezvous.Arrival a, int slot, long floats) {
            ensureBuffers(floats, 1);
            int root = a.root();
            for (int r = 0; r < size; r++) {
                waitFor(r, ready[slot][r]);
                waitFor(r, previousDone[(r + 1) % size]);
            }
            copyTensors(root, a.tensors(root), true);
            record(root, 0);
            for (int hop = 0; hop < size - 1; hop++) {
                int from = (root + hop) % size;
                int to = (from + 1) % size;
                waitFor(to, steps[from][0]);
                links[from].copy(bucket[from].pointer(), bucket[to].pointer(), floats, comm[from], comm[to]);
                record(to, 0);
                copyTensors(to, a.tensors(to), false);
            }
        }

        /** Packs (into the bucket) or unpacks (out of it) rank r's tensors, on its communication stream. */
        private void copyTensors(int r, List<Tensor> tensors, boolean pack) {
            CudaContext ctx = contexts[r];
            ctx.binding.bind();
            long offset = 0;
            for (int j = 0; j < tensors.size(); j++) {
                Tensor t = tensors.get(j);
                long bytes = t.size() * Float.BYTES;
                if (bytes > 0) {
                    Pointer flat = at(bucket[r], offset);
                    Pointer own = ptr(t);
                    cudaStream_t s = comm[r];
                    CudaCalls.runtime("all-reduce " + (pack ? "pack" : "unpack"), "cudaMemcpyAsync",
                            () -> JCuda.cudaMemcpyAsync(pack ? flat : own, pack ? own : flat, bytes,
                                    cudaMemcpyKind.cudaMemcpyDeviceToDevice, s));
                }
                offset += t.size();
            }
        }

        private void record(int r, int step) {
            contexts[r].binding.bind();
            cudaEvent_t e = steps[r][step];
            cudaStream_t s = comm[r];
            CudaCalls.runtime("all-reduce", "cudaEventRecord", () -> JCuda.cudaEventRecord(e, s));
        }

        private void waitFor(int r, cudaEvent_t e) {
            if (e == null) {
                return;
            }
            contexts[r].binding.bind();
            cudaStream_t s = comm[r];
            CudaCalls.runtime("all-reduce", "cudaStreamWaitEvent", () -> JCuda.cudaStreamWaitEvent(s, e, 0));
        }

        private static Pointer at(CudaBuffer b, long floatOffset) {
            return b.pointer().withByteOffset(floatOffset * Float.BYTES);
        }

        /** Grows every rank's bucket and receive buffer (the first step only), after the streams have drained. */
        private void ensureBuffers(long floats, long chunk) {
            for (int r = 0; r < size; r++) {
                if (bucket[r] != null && bucket[r].length() >= floats && received[r].length() >= chunk) {
                    continue;
                }
                CudaContext ctx = contexts[r];
                ctx.binding.bind();
                cudaStream_t s = comm[r];
                CudaCalls.runtime("all-reduce buffers", "cudaStreamSynchronize", () -> JCuda.cudaStreamSynchronize(s));
                if (bucket[r] != null) {
                    bucket[r].close();
                    received[r].close();
                }
                bucket[r] = ctx.memory.allocate(Math.max(1, floats), "all-reduce bucket");
                received[r] = ctx.memory.allocate(Math.max(1, chunk), "all-reduce receive buffer");
                // The pool zero-fills on the compute stream: let that finish before the ring uses them.
                ctx.synchronize("all-reduce buffers");
            }
        }

        private void startTiming(int slot) {
            CudaContext ctx = contexts[0];
            ctx.binding.bind();
            if (timingStart[slot] == null) {
                cudaEvent_t s = new cudaEvent_t();
                cudaEvent_t e = new cudaEvent_t();
                CudaCalls.runtime("all-reduce timing", "cudaEventCreate", () -> JCuda.cudaEventCreate(s));
                CudaCalls.runtime("all-reduce timing", "cudaEventCreate", () -> JCuda.cudaEventCreate(e));
                timingStart[slot] = s;
                timingEnd[slot] = e;
            }
            if (timingPending[slot]) {
                cudaEvent_t e = timingEnd[slot];
                CudaCalls.runtime("all-reduce timing", "cudaEventSynchronize", () -> JCuda.cudaEventSynchronize(e));
                collect(slot);
            }
            cudaEvent_t s = timingStart[slot];
            CudaCalls.runtime("all-reduce timing", "cudaEventRecord", () -> JCuda.cudaEventRecord(s, comm[0]));
        }

        private void endTiming(int slot) {
            contexts[0].binding.bind();
            cudaEvent_t e = timingEnd[slot];
            CudaCalls.runtime("all-reduce timing", "cudaEventRecord", () -> JCuda.cudaEventRecord(e, comm[0]));
            timingPending[slot] = true;
        }

        private void collect(int slot) {
            float[] ms = new float[1];
            CudaCalls.runtime("all-reduce timing", "cudaEventElapsedTime",
                    () -> JCuda.cudaEventElapsedTime(ms, timingStart[slot], timingEnd[slot]));
            timedNanos += (long) (ms[0] * 1e6);
            timingPending[slot] = false;
        }

        /** Waits for the timed rings still running (a benchmark asks after synchronizing anyway). */
        synchronized long allReduceNanos() {
            contexts[0].binding.bind();
            for (int slot = 0; slot < Rendezvous.SLOTS; slot++) {
                if (timingPending[slot]) {
                    cudaEvent_t e = timingEnd[slot];
                    CudaCalls.runtime("all-reduce timing", "cudaEventSynchronize", () -> JCuda.cudaEventSynchronize(e));
                    collect(slot);
                }
            }
            return timedNanos;
        }

        synchronized void closeRank() {
            if (--openRanks > 0) {
                return;
            }
            for (int r = 0; r < size; r++) {
                CudaContext ctx = contexts[r];
                ctx.binding.bind();
                JCuda.cudaStreamSynchronize(comm[r]);
                for (cudaEvent_t e : steps[r]) {
                    JCuda.cudaEventDestroy(e);
                }
                for (int slot = 0; slot < Rendezvous.SLOTS; slot++) {
                    if (ready[slot][r] != null) {
                        JCuda.cudaEventDestroy(ready[slot][r]);
                    }
                    if (done[slot][r] != null) {
                        JCuda.cudaEventDestroy(done[slot][r]);
                    }
                }
                if (bucket[r] != null) {
                    bucket[r].close();
                    received[r].close();
                }
                links[r].close();
                JCuda.cudaStreamDestroy(comm[r]);
            }
            contexts[0].binding.bind();
            for (int slot = 0; slot < Rendezvous.SLOTS; slot++) {
                if (timingStart[slot] != null) {
                    JCuda.cudaEventDestroy(timingStart[slot]);
                    JCuda.cudaEventDestroy(timingEnd[slot]);
                }
            }
        }
    }

    /**
     * How one rank's chunks reach the next: a copy within one device, a peer copy where the devices can
     * access each other, or two copies through page-locked host memory.
     */
    private abstract static class Link implements AutoCloseable {
        static Link between(CudaContext from, CudaContext to) {
            int a = from.gpu.ordinal();
            int b = to.gpu.ordinal();
            if (a == b) {
                return new SameDevice(to);
            }
            int[] toReadsFrom = new int[1];
            int[] fromReadsTo = new int[1];
            CudaCalls.runtime("all-reduce link", "cudaDeviceCanAccessPeer", () -> JCuda.cudaDeviceCanAccessPeer(toReadsFrom, b, a));
            CudaCalls.runtime("all-reduce link", "cudaDeviceCanAccessPeer", () -> JCuda.cudaDeviceCanAccessPeer(fromReadsTo, a, b));
            if (toReadsFrom[0] == 1 && fromReadsTo[0] == 1) {
                enablePeerAccess(to, a);
                enablePeerAccess(from, b);
                LOG.info("all-reduce link cuda:{} -> cuda:{}: peer to peer", a, b);
                return new Peer(from, to);
            }
            LOG.info("all-reduce link cuda:{} -> cuda:{}: no peer access; staged through pinned host memory", a, b);
            return new Staged(from, to);
        }

        /** Lets {@code ctx}'s device access {@code peer}'s memory; already enabled (another group) is fine. */
        private static void enablePeerAccess(CudaContext ctx, int peer) {
            ctx.binding.bind();
            int status;
            try {
                status = JCuda.cudaDeviceEnablePeerAccess(peer, 0);
            } catch (jcuda.CudaException e) {
                if (String.valueOf(e.getMessage()).contains("cudaErrorPeerAccessAlreadyEnabled")) {
                    clearLastError();
                    return;
                }
                throw CudaCalls.wrap("all-reduce link", "cudaDeviceEnablePeerAccess(" + peer + ")", e);
            }
            if (status == ERROR_PEER_ACCESS_ALREADY_ENABLED) {
                clearLastError();
            } else if (status != 0) {
                throw new CudaException("all-reduce link", "cudaDeviceEnablePeerAccess(" + peer + ")",
                        jcuda.runtime.cudaError.stringFor(status));
            }
        }

        private static void clearLastError() {
            try {
                JCuda.cudaGetLastError();
            } catch (jcuda.CudaException ignored) {
                // the error being cleared, reported by JCuda's exception mode
            }
        }

        /** Copies n floats from the sending rank's memory to the receiving rank's, ordered on the receiver's stream. */
        abstract void copy(Pointer from, Pointer to, long n, cudaStream_t fromStream, cudaStream_t toStream);

        @Override
        public void close() {
        }
    }

    private static final class SameDevice extends Link {
        private final CudaContext device;

        SameDevice(CudaContext device) {
            this.device = device;
        }

        @Override
        void copy(Pointer from, Pointer to, long n, cudaStream_t fromStream, cudaStream_t toStream) {
            device.binding.bind();
            CudaCalls.runtime("all-reduce", "cudaMemcpyAsync", () -> JCuda.cudaMemcpyAsync(to, from, n * Float.BYTES,
                    cudaMemcpyKind.cudaMemcpyDeviceToDevice, toStream));
        }
    }

    private static final class Peer extends Link {
        private final CudaContext from;
        private final CudaContext to;

        Peer(CudaContext from, CudaContext to) {
            this.from = from;
            this.to = to;
        }

        @Override
        void copy(Pointer src, Pointer dst, long n, cudaStream_t fromStream, cudaStream_t toStream) {
            to.binding.bind();
            CudaCalls.runtime("all-reduce", "cudaMemcpyPeerAsync", () -> JCuda.cudaMemcpyPeerAsync(dst,
                    to.gpu.ordinal(), src, from.gpu.ordinal(), n * Float.BYTES, toStream));
        }
    }

    /**
     * Device to pinned host memory on the sender's stream, then host to device on the receiver's: an event
     * orders the two, and another keeps the host buffer until the receiver has read it.
     */
    private static final class Staged extends Link {
        private final CudaContext from;
        private final CudaContext to;
        private final cudaEvent_t staged;
        private final cudaEvent_t consumed;
        private Pointer host;
        private long capacityFloats;

        Staged(CudaContext from, CudaContext to) {
            this.from = from;
            this.to = to;
            from.binding.bind();
            this.staged = new cudaEvent_t();
            CudaCalls.runtime("all-reduce link", "cudaEventCreateWithFlags",
                    () -> JCuda.cudaEventCreateWithFlags(staged, JCuda.cudaEventDisableTiming));
            to.binding.bind();
            this.consumed = new cudaEvent_t();
            CudaCalls.runtime("all-reduce link", "cudaEventCreateWithFlags",
                    () -> JCuda.cudaEventCreateWithFlags(consumed, JCuda.cudaEventDisableTiming));
        }

        @Override
        void copy(Pointer src, Pointer dst, long n, cudaStream_t fromStream, cudaStream_t toStream) {
            long bytes = n * Float.BYTES;
            if (n > capacityFloats) {
                if (host != null) {
                    CudaCalls.runtime("all-reduce link", "cudaEventSynchronize", () -> JCuda.cudaEventSynchronize(consumed));
                    Pointer old = host;
                    CudaCalls.runtime("all-reduce link", "cudaFreeHost", () -> JCuda.cudaFreeHost(old));
                }
                Pointer fresh = new Pointer();
                CudaCalls.runtime("all-reduce link", "cudaHostAlloc(" + bytes + ")",
                        () -> JCuda.cudaHostAlloc(fresh, bytes, JCuda.cudaHostAllocPortable));
                host = fresh;
                capacityFloats = n;
            }
            Pointer h = host;
            from.binding.bind();
            // The receiver must have read the previous chunk out of the host buffer first.
            CudaCalls.runtime("all-reduce", "cudaStreamWaitEvent", () -> JCuda.cudaStreamWaitEvent(fromStream, consumed, 0));
            CudaCalls.runtime("all-reduce", "cudaMemcpyAsync", () -> JCuda.cudaMemcpyAsync(h, src, bytes,
                    cudaMemcpyKind.cudaMemcpyDeviceToHost, fromStream));
            CudaCalls.runtime("all-reduce", "cudaEventRecord", () -> JCuda.cudaEventRecord(staged, fromStream));
            to.binding.bind();
            CudaCalls.runtime("all-reduce", "cudaStreamWaitEvent", () -> JCuda.cudaStreamWaitEvent(toStream, staged, 0));
            CudaCalls.runtime("all-reduce", "cudaMemcpyAsync", () -> JCuda.cudaMemcpyAsync(dst, h, bytes,
                    cudaMemcpyKind.cudaMemcpyHostToDevice, toStream));
            CudaCalls.runtime("all-reduce", "cudaEventRecord", () -> JCuda.cudaEventRecord(consumed, toStream));
        }

        @Override
        public void close() {
            to.binding.bind();
            JCuda.cudaEventSynchronize(consumed);
            if (host != null) {
                JCuda.cudaFreeHost(host);
            }
            JCuda.cudaEventDestroy(consumed);
            from.binding.bind();
            JCuda.cudaEventDestroy(staged);
        }
    }
}
