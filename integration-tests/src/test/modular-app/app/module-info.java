module app
{
    requires io.dsmreg;
    // SharedFields sets the @SharedNamed fields of this package by reflection.
    opens demo to io.dsmreg;
}
