import { JsonView } from "./json-view";

/** An audit row's reason in words, and the rest of its details (before / after…) on demand. */
export function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const { reason, ...rest } = details as { reason?: unknown };
  const hasRest = Object.keys(rest).length > 0;
  return (
    <div className="max-w-md space-y-1">
      {typeof reason === "string" ? <p className="text-sm">“{reason}”</p> : null}
      {hasRest ? (
        <details>
          <summary className="cursor-pointer text-xs text-indigo-700 dark:text-indigo-400">Details</summary>
          <div className="mt-1">
            <JsonView value={rest} label="Audit details" />
          </div>
        </details>
      ) : null}
    </div>
  );
}
