package io.difygateway.config;

/** {@code gateway.health.*}. */
public class HealthProperties {
    /** Readiness also reports whether each Dify app could be read in the background (cached, never slows requests). */
    private boolean checkApps;
    /** Readiness waits until this many rounds of requests went through the whole path at start-up (0: off). */
    private int warmUpRequests = 20;

    public boolean isCheckApps() {
        return checkApps;
    }

    public void setCheckApps(boolean checkApps) {
        this.checkApps = checkApps;
    }

    public int getWarmUpRequests() {
        return warmUpRequests;
    }

    public void setWarmUpRequests(int warmUpRequests) {
        this.warmUpRequests = warmUpRequests;
    }
}
