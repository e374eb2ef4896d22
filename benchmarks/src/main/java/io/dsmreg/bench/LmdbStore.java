package io.dsmreg.bench;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * LMDB (lmdbjava) as the String-keyed benchmarks' second cross-process anchor, used as it is used at
 * its fastest: no syncs (the files are in /dev/shm anyway), a writable map, each thread's read
 * transaction reset and renewed around every get rather than opened anew, keys and values encoded
 * into each thread's direct buffers. Keys are UTF-8; Long values are 8 bytes, String values UTF-8.
 */
final class LmdbStore implements AutoCloseable
{
    private final Env<DirectBuffer> env;
    private final ThreadLocal<Local> locals;

    LmdbStore(final Path directory, final long mapSize)
    {
        env = Env.create(DirectBufferProxy.PROXY_DB).setMapSize(mapSize).setMaxDbs(8).setMaxReaders(16)
            .open(directory.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOMETASYNC, EnvFlags.MDB_WRITEMAP, EnvFlags.MDB_NOTLS);
        locals = ThreadLocal.withInitial(() -> new Local(env));
    }

    Dbi<DirectBuffer> open(final String name)
    {
        return env.openDbi(name, DbiFlags.MDB_CREATE);
    }

    /** Bytes of the data file in use: its pages up to the last one written (the file itself is as long as the map size). */
    long usedBytes()
    {
        return (env.info().lastPageNumber + 1) * env.stat().pageSize;
    }

    /** This thread's buffers and read transaction. */
    static final class Local
    {
        final UnsafeBuffer keyBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(512));
        final UnsafeBuffer key = new UnsafeBuffer(0, 0);
        final UnsafeBuffer valueBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        final UnsafeBuffer value = new UnsafeBuffer(0, 0);
        final Txn<DirectBuffer> read;

        Local(final Env<DirectBuffer> env)
        {
            read = env.txnRead();
            read.reset();
        }

        DirectBuffer key(final String k)
        {
            final int length = keyBuffer.putStringWithoutLengthUtf8(0, k);
            key.wrap(keyBuffer, 0, length);
            return key;
        }

        DirectBuffer value(final long v)
        {
            valueBuffer.putLong(0, v);
            value.wrap(valueBuffer, 0, Long.BYTES);
            return value;
        }

        DirectBuffer value(final String v)
        {
            final int length = valueBuffer.putStringWithoutLengthUtf8(0, v);
            value.wrap(valueBuffer, 0, length);
            return value;
        }

        DirectBuffer value(final byte[] v)
        {
            valueBuffer.putBytes(0, v);
            value.wrap(valueBuffer, 0, v.length);
            return value;
        }
    }

    long getLong(final Dbi<DirectBuffer> db, final String key, final long absent)
    {
        final Local local = locals.get();
        local.read.renew();
        try
        {
            final DirectBuffer value = db.get(local.read, local.key(key));
            return value == null ? absent : value.getLong(0);
        }
        finally
        {
            local.read.reset();
        }
    }

    String getString(final Dbi<DirectBuffer> db, final String key)
    {
        final Local local = locals.get();
        local.read.renew();
        try
        {
            final DirectBuffer value = db.get(local.read, local.key(key));
            return value == null ? null : value.getStringWithoutLengthUtf8(0, value.capacity());
        }
        finally
        {
            local.read.reset();
        }
    }

    byte[] getBytes(final Dbi<DirectBuffer> db, final String key)
    {
        final Local local = locals.get();
        local.read.renew();
        try
        {
            final DirectBuffer value = db.get(local.read, local.key(key));
            if (value == null)
            {
                return null;
            }
            final byte[] bytes = new byte[value.capacity()];
            value.getBytes(0, bytes);
            return bytes;
        }
        finally
        {
            local.read.reset();
        }
    }

    void putLong(final Dbi<DirectBuffer> db, final String key, final long value)
    {
        final Local local = locals.get();
        try (Txn<DirectBuffer> txn = env.txnWrite())
        {
            db.put(txn, local.key(key), local.value(value));
            txn.commit();
        }
    }

    void putString(final Dbi<DirectBuffer> db, final String key, final String value)
    {
        final Local local = locals.get();
        try (Txn<DirectBuffer> txn = env.txnWrite())
        {
            db.put(txn, local.key(key), local.value(value));
            txn.commit();
        }
    }

    void putBytes(final Dbi<DirectBuffer> db, final String key, final byte[] value)
    {
        final Local local = locals.get();
        try (Txn<DirectBuffer> txn = env.txnWrite())
        {
            db.put(txn, local.key(key), local.value(value));
            txn.commit();
        }
    }

    /** merge(key, delta, Long::sum): a read and a write in one write transaction. */
    long addAndGet(final Dbi<DirectBuffer> db, final String key, final long delta)
    {
        final Local local = locals.get();
        try (Txn<DirectBuffer> txn = env.txnWrite())
        {
            final DirectBuffer k = local.key(key);
            final DirectBuffer old = db.get(txn, k);
            final long sum = (old == null ? 0 : old.getLong(0)) + delta;
            db.put(txn, k, local.value(sum));
            txn.commit();
            return sum;
        }
    }

    @Override
    public void close()
    {
        env.close();
    }
}
