/**
 * The entry point the agent's woven code calls to fill {@link io.dsmreg.SharedNamed} fields, and the
 * agent's configuration of it. Exported because woven code in any module must reach it; applications
 * use {@link io.dsmreg.SharedFields} instead, which fills fields the same way.
 */
package io.dsmreg.inject;
