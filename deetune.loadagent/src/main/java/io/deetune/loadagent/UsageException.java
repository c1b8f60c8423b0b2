package io.deetune.loadagent;

/** A command line the agent cannot run with; the message says which option and why. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
