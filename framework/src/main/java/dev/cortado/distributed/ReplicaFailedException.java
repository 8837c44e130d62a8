package dev.cortado.distributed;

/**
 * A data-parallel replica failed, which stops the whole run: the message names the replica and its
 * device, the cause is what the replica threw (an out-of-memory, a CUDA error, a bad shape).
 */
public final class ReplicaFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int replica;
    private final String device;

    public ReplicaFailedException(int replica, String device, Throwable cause) {
        super("replica " + replica + " on " + device + " failed: " + cause.getMessage(), cause);
        this.replica = replica;
        this.device = device;
    }

    public int replica() {
        return replica;
    }

    public String device() {
        return device;
    }
}
