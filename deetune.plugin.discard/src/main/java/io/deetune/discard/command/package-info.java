/** Karaf shell commands of the discard stage, scope {@code discard:}. */
package io.deetune.discard.command;
