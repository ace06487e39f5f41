package io.difygateway.completion;

/** The client went away while its stream was being written: nobody is left to answer. */
public class ClientDisconnectedException extends RuntimeException {
    public ClientDisconnectedException(Throwable cause) {
        super("client disconnected", cause);
    }
}
