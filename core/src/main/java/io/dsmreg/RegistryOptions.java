package io.dsmreg;

import io.dsmreg.internal.layout.RegistryDescriptor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open a registry. Immutable; every setter returns a new instance:
 * <pre>{@code
 * DsmRegistry.open("orders", RegistryOptions.defaults().root(Path.of("/dev/shm")).timeout(Duration.ofSeconds(5)));
 * }</pre>
 */
public final class RegistryOptions
{
    private static final RegistryOptions DEFAULTS =
        new RegistryOptions(null, Duration.ofSeconds(30), RegistryDescriptor.DEFAULT_SLOT_CAPACITY);

    private final Path root;
    private final Duration timeout;
    private final int capacity;

    private RegistryOptions(final Path root, final Duration timeout, final int capacity)
    {
        this.root = root;
        this.timeout = timeout;
        this.capacity = capacity;
    }

    /**
     * Root from {@code -Ddsmreg.dir}, {@code DSMREG_DIR}, {@code /dev/shm} or {@code java.io.tmpdir},
     * a 30 second timeout, 16,384 entries.
     *
     * @return the default options; the same instance on every call.
     */
    public static RegistryOptions defaults()
    {
        return DEFAULTS;
    }

    /**
     * The directory under which {@code dsmreg-<user>/<registry>/} lives.
     *
     * @param root an existing directory, or one dsmreg may create; a relative path is resolved against the
     *             working directory.
     * @return new options with this root.
     * @throws NullPointerException if {@code root} is null.
     */
    public RegistryOptions root(final Path root)
    {
        return new RegistryOptions(Objects.requireNonNull(root, "root"), timeout, capacity);
    }

    /**
     * The longest any call waits for a lock or for another process's initializer; past it the call
     * throws {@link LockTimeoutException} naming the process it waited for.
     *
     * @param timeout a positive duration.
     * @return new options with this timeout.
     * @throws NullPointerException     if {@code timeout} is null.
     * @throws IllegalArgumentException if {@code timeout} is zero or negative.
     */
    public RegistryOptions timeout(final Duration timeout)
    {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new RegistryOptions(root, timeout, capacity);
    }

    /**
     * How many entries a NEW registry can hold, rounded up to a power of two (16 to 1,048,576;
     * 16,384 by default). An existing registry keeps the capacity it was created with.
     *
     * @param entries from 16 to 1,048,576.
     * @return new options with this capacity, rounded up to a power of two.
     * @throws IllegalArgumentException for a number out of range.
     */
    public RegistryOptions capacity(final int entries)
    {
        if (entries < 16 || entries > RegistryDescriptor.MAX_SLOT_CAPACITY)
        {
            throw new IllegalArgumentException(
                "capacity must be between 16 and " + RegistryDescriptor.MAX_SLOT_CAPACITY + " entries, was " + entries);
        }
        return new RegistryOptions(root, timeout, Integer.highestOneBit(entries - 1) << 1);
    }

    /**
     * The explicit root, or null to resolve it from the environment.
     *
     * @return the root given to {@link #root(Path)}, or null.
     */
    public Path root()
    {
        return root;
    }

    /**
     * The longest any call waits for a lock or for another process's initializer.
     *
     * @return a positive duration.
     */
    public Duration timeout()
    {
        return timeout;
    }

    /**
     * How many entries a new registry can hold.
     *
     * @return a power of two from 16 to 1,048,576.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * The options in words, for messages and logs; a null root is the one resolved from the environment.
     *
     * @return a description of the options.
     */
    @Override
    public String toString()
    {
        return "RegistryOptions{root=" + root + ", timeout=" + timeout + ", capacity=" + capacity + '}';
    }
}
