package io.dsmreg.itchild;

import io.dsmreg.NamedSegment;
import io.dsmreg.SharedNamed;
import org.agrona.concurrent.AtomicBuffer;

import java.util.function.Supplier;

/**
 * Code shapes the agent's rewriting must keep valid, compiled by AgentIT with the javac of the JDK
 * that runs it (class files for Java 17 and for Java 25): branches and a try/catch in the static
 * initializer and in constructors (so stack map frames), several returns from one constructor,
 * delegation with this(...), and a constructor that builds another object of its own class before
 * calling super(...). The verifier checks every class of this loader.
 */
public final class Shapes implements Supplier<String>
{
    @SharedNamed(value = "shapes.static", size = 64)
    static final AtomicBuffer STATIC;
    @SharedNamed(value = "shapes.segment", size = 128)
    static NamedSegment segment;
    static final int BRANCH;

    static
    {
        STATIC = null;
        int branch;
        try
        {
            branch = System.nanoTime() != 0 ? 1 : 2;
        }
        catch (final RuntimeException ex)
        {
            branch = 3;
        }
        BRANCH = branch;
    }

    public static class Base
    {
        Base(final Object ignored)
        {
        }
    }

    public static final class Node extends Base
    {
        @SharedNamed(value = "shapes.node", size = 32)
        final AtomicBuffer buffer;
        final int returnedFrom;
        final String seenAfterThis;

        Node(final int returnedFrom)
        {
            super(null);
            this.buffer = null;
            this.seenAfterThis = null;
            if (returnedFrom == 1)
            {
                this.returnedFrom = 1;
                return;
            }
            int value;
            try
            {
                value = Integer.parseInt("x" + returnedFrom);
            }
            catch (final NumberFormatException ex)
            {
                value = returnedFrom;
            }
            this.returnedFrom = value;
        }

        /** Builds another Node before super(...): that first {@code <init>} of Node is not a delegation. */
        Node(final String ignored)
        {
            super(new Node(7));
            this.buffer = null;
            this.returnedFrom = 0;
            this.seenAfterThis = null;
        }

        /** Delegates: the constructor it calls has filled the field by the time this body runs. */
        Node()
        {
            this(new Node(5).returnedFrom, String.valueOf(new Node(1).buffer != null));
        }

        private Node(final int returnedFrom, final String seen)
        {
            super(null);
            this.buffer = null;
            this.returnedFrom = returnedFrom;
            this.seenAfterThis = seen;
        }
    }

    @Override
    public String get()
    {
        final Node delegating = new Node();
        return "static=" + STATIC.capacity() + " segment=" + segment.size() + " branch=" + BRANCH +
            " early=" + new Node(1).buffer.capacity() + " late=" + new Node(2).buffer.capacity() +
            " newBeforeSuper=" + new Node("x").buffer.capacity() +
            " delegating=" + delegating.buffer.capacity() + "," + delegating.returnedFrom + "," + delegating.seenAfterThis;
    }
}
