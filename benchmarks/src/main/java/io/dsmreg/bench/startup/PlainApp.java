package io.dsmreg.bench.startup;

/** The start-up benchmark's application without any annotated class. */
public final class PlainApp
{
    private PlainApp()
    {
    }

    public static void main(final String[] args)
    {
        System.out.println("plain");
    }
}
