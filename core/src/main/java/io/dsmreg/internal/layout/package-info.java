/**
 * Internal: the byte layouts of dsmreg's shared files, one descriptor class per structure, each
 * with its diagram. Not API; these classes change with the layout version.
 */
package io.dsmreg.internal.layout;
