package io.probr.stack.launch;

/** The local stack cannot do what was asked; the message says why and what to do, for the user. */
public final class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }
}
