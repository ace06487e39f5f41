package io.difygateway.dify;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.difygateway.config.ModelDefinition;

/** What the event mapper remembers across the events of one Dify stream. Not thread-safe: one per stream. */
public final class DifyStreamState {

    final ModelDefinition model;
    /** Whether citations and progress lines may be added (not for background tasks, which want plain answers). */
    final boolean decorate;
    final DifyAppType appType;
    /** The origin of the app's base URL, for file paths that Dify sends relative to its host. */
    final String origin;
    boolean idsSeen;
    boolean textSeen;
    long nodePromptTokens;
    long nodeCompletionTokens;
    boolean nodeUsageSeen;
    /** Whether message_end reported the usage (a chatflow without it takes workflow_finished's total). */
    boolean endUsageSeen;
    /** Whether an Agent app streamed its answer as agent_message: its closing message repeats it and is not shown. */
    boolean agentMessageSeen;
    String waitingForm;
    /** Whether the stream's end came (message_end, workflow_finished, workflow_paused): without it the answer was cut. */
    boolean terminalSeen;
    /** A chatflow's or workflow's run, whose events can be read again after a cut ({@code GET /workflow/{id}/events}). */
    String workflowRunId;
    /** The last event's cursor ({@code id:}), to resume after. */
    String lastEventId;
    /** The cursors seen, so that resumed events already shown are skipped. */
    final Set<String> eventIds = new HashSet<>();
    /** How often the stream was resumed. */
    int resumes;
    /** The files shown so far (their URLs without the signature), so that a run's output files are shown once. */
    final Set<String> filesShown = new HashSet<>();
    /** Agent thought ids whose tool call, observation and thought text were already shown. */
    final Set<String> toolCallsShown = new HashSet<>();
    final Set<String> observationsShown = new HashSet<>();
    final Map<String, String> thoughtsShown = new HashMap<>();

    DifyStreamState(ModelDefinition model, boolean decorate, DifyAppType appType) {
        this.model = model;
        this.decorate = decorate;
        this.appType = appType;
        URI base = URI.create(model.baseUrl());
        this.origin = base.getScheme() + "://" + base.getRawAuthority();
    }

    /** Whether the run's events can be read again from Dify ({@code GET /workflow/{id}/events}): chatflows and workflows. */
    boolean resumable() {
        return appType == DifyAppType.ADVANCED_CHAT || appType == DifyAppType.WORKFLOW;
    }

    /** An absolute URL for a file URL Dify sent, which may be relative to its host. */
    String absolute(String url) {
        if (url.startsWith("http://") || url.startsWith("https://")) {
            return url;
        }
        return origin + (url.startsWith("/") ? "" : "/") + url;
    }
}
