package dev.cortado.distributed;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.Device;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Synchronous data parallelism inside one process: a replica of one network on each of a list of
 * backends, all holding the same weights. The trainer runs each step's phases on every replica at once
 * ({@link #run}); during backward each replica's gradients are all-reduced bucket by bucket
 * ({@link #backward}), so that every replica applies the same update.
 *
 * <p>With one backend there is one replica, run on the caller's thread with no collective at all: the
 * step is exactly the single-device step. A device may be named twice (two replicas on one GPU), which
 * tests the machinery but brings no speed-up.
 *
 * <p>Replica 0 is the primary: checkpoints are written from it and validation runs on it, after
 * {@link #averageBuffers()} has averaged the replicas' batch-norm running statistics (each replica
 * normalizes with its own batch's statistics, as PyTorch DDP does by default).
 */
public final class DataParallel implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(DataParallel.class);

    /** PyTorch DDP's default bucket cap: 25 MB. */
    public static final long DEFAULT_BUCKET_BYTES = 25L << 20;

    private final List<Backend> backends;
    private final List<Network> networks;
    private final boolean ownsNetworks;
    private final List<Collective> collectives;
    private final List<GradientBuckets> buckets;
    private final GradientBuckets.Exposure exposure;
    private final ReplicaThreads threads;
    private final List<List<Tensor>> weights;
    private final List<List<Tensor>> buffers;

    private DataParallel(List<Backend> backends, List<Network> networks, boolean ownsNetworks, long bucketBytes,
                         Function<List<Backend>, List<Collective>> transport) {
        this.backends = List.copyOf(backends);
        this.networks = List.copyOf(networks);
        this.ownsNetworks = ownsNetworks;
        this.weights = new ArrayList<>();
        this.buffers = new ArrayList<>();
        for (Network n : networks) {
            List<Tensor> w = new ArrayList<>();
            n.parameters().forEach(p -> w.add(p.value()));
            w.addAll(n.buffers().values());
            weights.add(List.copyOf(w));
            buffers.add(List.copyOf(n.buffers().values()));
        }
        this.exposure = new GradientBuckets.Exposure(networks.size());
        if (networks.size() == 1) {
            collectives = List.of();
            buckets = List.of();
            threads = null;
            return;
        }
        collectives = transport.apply(backends);
        List<String> devices = backends.stream().map(Backend::name).toList();
        threads = new ReplicaThreads(devices, cause -> collectives.get(0).abort(cause));
        List<Parameter> params = networks.get(0).parameters();
        long[] bytes = new long[params.size()];
        for (int p = 0; p < bytes.length; p++) {
            bytes[p] = params.get(p).gradient().size() * Float.BYTES;
        }
        BucketPlan plan = BucketPlan.of(bytes, bucketBytes);
        List<GradientBuckets> b = new ArrayList<>();
        for (int r = 0; r < networks.size(); r++) {
            GradientBuckets g = new GradientBuckets(networks.get(r).parameters(), plan, collectives.get(r), exposure);
            networks.get(r).setGradientHook(g);
            b.add(g);
        }
        buckets = List.copyOf(b);
        LOG.info("data parallel over {} replicas ({}): gradients of {} in {} bucket(s) of at most {}",
                networks.size(), String.join(", ", devices), mebibytes(java.util.Arrays.stream(plan.bytes()).sum()),
                plan.buckets(), mebibytes(bucketBytes));
    }

    private static String mebibytes(long bytes) {
        return bytes < 1 << 20 ? String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    /**
     * Builds the network {@code spec} describes on each backend from the same {@code seed}, and broadcasts
     * replica 0's weights to the others. Backends must all be CPU backends or all CUDA backends.
     *
     * @param bucketBytes the largest gradient bucket (a single larger parameter gets one of its own)
     */
    public static DataParallel build(NetworkSpec spec, List<Backend> backends, long seed, long bucketBytes) {
        return build(spec, backends, seed, bucketBytes, DataParallel::inProcessTransport);
    }

    public static DataParallel build(NetworkSpec spec, List<Backend> backends, long seed) {
        return build(spec, backends, seed, DEFAULT_BUCKET_BYTES);
    }

    /** As {@link #build(NetworkSpec, List, long, long)} with another transport (a test's, or TCP's). */
    public static DataParallel build(NetworkSpec spec, List<Backend> backends, long seed, long bucketBytes,
                                     Function<List<Backend>, List<Collective>> transport) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("data parallel training needs at least one backend");
        }
        Set<Device.Kind> kinds = new LinkedHashSet<>();
        backends.forEach(b -> kinds.add(b.device().kind()));
        if (kinds.size() > 1) {
            throw new IllegalArgumentException("replicas must all run on CPUs or all on GPUs, got "
                    + backends.stream().map(Backend::name).toList());
        }
        List<Network> networks = new ArrayList<>();
        DataParallel dp = null;
        try {
            for (Backend b : backends) {
                networks.add(Network.build(spec, b, seed));
            }
            dp = new DataParallel(backends, networks, true, bucketBytes, transport);
            dp.broadcastWeights();
            return dp;
        } catch (RuntimeException e) {
            if (dp != null) {
                dp.close();
            } else {
                networks.forEach(Network::close);
            }
            throw e;
        }
    }

    /** One replica: the caller's network, which stays the caller's to close. */
    public static DataParallel single(Network network) {
        return new DataParallel(List.of(network.backend()), List.of(network), false, DEFAULT_BUCKET_BYTES,
                b -> List.of());
    }

    /** The transport between replicas of one process: shared memory for CPUs, peer copies for GPUs. */
    public static List<Collective> inProcessTransport(List<Backend> backends) {
        if (backends.get(0).device().kind() == Device.Kind.CPU) {
            return SharedMemoryCollective.group(backends.size());
        }
        return dev.cortado.backend.cuda.CudaRingCollective.group(backends);
    }

    /** The number of replicas. */
    public int size() {
        return networks.size();
    }

    public Network network(int replica) {
        return networks.get(replica);
    }

    public Backend backend(int replica) {
        return backends.get(replica);
    }

    /** Replica 0's network: the one checkpoints are written from and validation runs on. */
    public Network primary() {
        return networks.get(0);
    }

    /** The devices in replica order, as --devices names them: "cpu", "cpu,cpu", "cuda:0,cuda:1". */
    public String devices() {
        return String.join(",", backends.stream().map(Backend::name).toList());
    }

    /**
     * Runs {@code task} for every replica at once, replica 0 on this thread, each other replica on its own
     * thread; returns when all are done. A failure of any replica aborts the collectives (no replica waits
     * for it) and is rethrown as a {@link ReplicaFailedException} naming its device. With one replica the
     * task just runs, and its exceptions pass unchanged.
     */
    public void run(ReplicaTask task) {
        if (threads == null) {
            task.run(0);
        } else {
            threads.run(task);
        }
    }

    /** A phase of a step, run once for each replica, each on its own thread. */
    @FunctionalInterface
    public interface ReplicaTask {
        void run(int replica);
    }

    /**
     * Back-propagates {@code gradOutput} through replica {@code replica}'s last forward pass and all-reduces
     * the parameter gradients, bucket by bucket as they become final; returns with every replica's
     * gradients holding the sum over replicas. To be called from within {@link #run}, by every replica.
     */
    public void backward(int replica, Tensor gradOutput) {
        Network network = networks.get(replica);
        if (buckets.isEmpty()) {
            network.backward(gradOutput);
            return;
        }
        GradientBuckets g = buckets.get(replica);
        g.begin();
        network.backward(gradOutput);
        g.awaitAll();
    }

    /**
     * For a replica that has no rows in this batch (an epoch's last, short batch): contributes zero
     * gradients to the all-reduce, so that the others are not left waiting, and returns with the sums.
     */
    public void backwardWithoutRows(int replica) {
        Backend backend = backends.get(replica);
        for (Parameter p : networks.get(replica).parameters()) {
            backend.tensors().fill(p.gradient(), 0f);
        }
        if (!buckets.isEmpty()) {
            GradientBuckets g = buckets.get(replica);
            g.begin();
            g.allReady();
            g.awaitAll();
        }
    }

    /** Copies replica 0's parameters and buffers to the other replicas (after loading weights into it). */
    public void broadcastWeights() {
        if (size() > 1) {
            run(r -> collectives.get(r).broadcast(weights.get(r), 0));
        }
    }

    /**
     * Replaces every replica's batch-norm running statistics by their mean over the replicas, so that a
     * checkpoint or a validation does not depend on which replica it reads.
     */
    public void averageBuffers() {
        if (size() == 1 || buffers.get(0).isEmpty()) {
            return;
        }
        float scale = 1f / size();
        run(r -> {
            collectives.get(r).allReduce(buffers.get(r)).await();
            for (Tensor t : buffers.get(r)) {
                backends.get(r).tensors().scale(t, scale);
            }
        });
    }

    /** Communication so far: the transport's all-reduce time and the part backward did not hide. Zero with one replica. */
    public CommunicationStats communication() {
        return new CommunicationStats(collectives.isEmpty() ? 0 : collectives.get(0).allReduceNanos(), exposure.nanos(),
                buckets.isEmpty() ? 0 : buckets.get(0).buckets());
    }

    /** Closes the threads and collectives, and the networks {@link #build} made; the backends stay the caller's. */
    @Override
    public void close() {
        if (threads != null) {
            threads.close();
        }
        collectives.forEach(Collective::close);
        for (Network n : networks) {
            n.setGradientHook(null);
            if (ownsNetworks) {
                n.close();
            }
        }
    }
}
