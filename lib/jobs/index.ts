/** In-app scheduled jobs: one runner per process, advisory-lock leadership across instances, shared state for health. */
export { registerJob, registeredJobs, getJob, type JobDefinition, type JobContext } from "./registry";
export {
  runJob,
  startJobRunner,
  startAppJobRunner,
  installAppJobRunner,
  stopAppJobRunner,
  kickJob,
  type JobOutcome,
  type JobRunner,
} from "./runner";
export {
  startJobsThread,
  serveJobsThread,
  lowerThisThreadsPriority,
  type JobsThread,
  type JobsThreadOptions,
} from "./thread";
export { sharedCounter, sharedMemory, adoptSharedMemory, type SharedCounter } from "./shared";
export { jobsHealth, judgeJob, type JobHealth, type JobHealthStatus } from "./health";
export { describeFailure, type DescribedFailure } from "./failure";
