package io.respool.hostworker.task;

import java.util.List;

/**
 * What a driver really enforces on this host, so the host can advertise it honestly and the
 * gateway never sends a booking to a host that cannot honour it.
 *
 * @param containers runs images in containers (filesystem, network and process isolation)
 * @param cpuLimit CPU is capped to the requested cores
 * @param memoryLimit exceeding the requested memory kills the task
 * @param gpus GPU devices can be passed to tasks
 * @param notes plain words on what is not isolated
 */
public record Capabilities(String driver, boolean containers, boolean cpuLimit, boolean memoryLimit, boolean gpus, List<String> notes) {}
