package io.difygateway.config;

/** {@code gateway.tasks.*}. */
public class TasksProperties {
    /** A request with a non-empty value in this header is a background task (Open WebUI: {@code {{TASK}}}). */
    private String header = "X-OpenWebUI-Task";
    /** Also recognise tasks by their shape: not streamed, one user message holding {@code <chat_history>}. */
    private boolean detectByShape = true;
    /** Model that answers tasks when the requested model names no task-model; empty: the requested model. */
    private String model;

    public String getHeader() {
        return header;
    }

    public void setHeader(String header) {
        this.header = header;
    }

    public boolean isDetectByShape() {
        return detectByShape;
    }

    public void setDetectByShape(boolean detectByShape) {
        this.detectByShape = detectByShape;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }
}
