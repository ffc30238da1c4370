/** In-app scheduled jobs: one runner per process, advisory-lock leadership across instances, shared state for health. */
export { registerJob, registeredJobs, getJob, type JobDefinition, type JobContext } from "./registry";
export { runJob, startJobRunner, startAppJobRunner, kickJob, type JobOutcome, type JobRunner } from "./runner";
export { jobsHealth, judgeJob, type JobHealth, type JobHealthStatus } from "./health";
export { describeFailure, type DescribedFailure } from "./failure";
