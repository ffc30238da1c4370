import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { Field, inputClass } from "@/components/ui/field";
import { buttonClass } from "@/components/ui/button";

/**
 * The filter bar of the admin lists (organizations, webhook events, audit log): a GET form, so
 * filters live in the URL and work without JavaScript, with labelled fields, Filter and Clear.
 */

/** The frame: a card laid out as a grid (`className` gives the columns). */
export function FilterForm({
  action,
  className,
  children,
}: {
  action?: string;
  className: string;
  children: React.ReactNode;
}) {
  return (
    <form
      method="get"
      action={action}
      role="search"
      className={`grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800 ${className}`}
    >
      {children}
    </form>
  );
}

/** A text (or date, search) field; `suggestions` offers known values (a datalist) while still taking any. */
export function FilterInput({
  name,
  label,
  value,
  placeholder,
  type,
  suggestions,
  className,
}: {
  name: string;
  label: string;
  value: string | undefined;
  placeholder?: string;
  type?: "search" | "date";
  suggestions?: readonly string[];
  className?: string;
}) {
  const listId = suggestions ? `${name}-suggestions` : undefined;
  return (
    <Field label={label} id={name} className={className}>
      <input
        id={name}
        name={name}
        type={type}
        list={listId}
        defaultValue={value ?? ""}
        placeholder={placeholder}
        className={inputClass}
      />
      {suggestions ? (
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      ) : null}
    </Field>
  );
}

/** A choice among `options`, with "any" (the empty value) first. */
export function FilterSelect({
  name,
  label,
  value,
  anyLabel,
  options,
}: {
  name: string;
  label: string;
  value: string | undefined;
  anyLabel: string;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <Field label={label} id={name}>
      <select id={name} name={name} defaultValue={value ?? ""} className={inputClass}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Submit, and a link back to the unfiltered list while any filter is set; `children` go before them. */
export function FilterButtons({
  filtered,
  clearHref,
  submitLabel = "Filter",
  clearLabel = "Clear",
  className = "flex items-end gap-2",
  children,
}: {
  filtered: boolean;
  clearHref: string;
  submitLabel?: string;
  clearLabel?: string;
  className?: string;
  children?: React.ReactNode;
}) {
  return (
    <div className={className}>
      {filtered ? (
        <Link href={clearHref} className={buttonClass({ variant: "secondary" })}>
          {clearLabel}
        </Link>
      ) : null}
      {children}
      <button type="submit" className={buttonClass()}>
        {submitLabel}
      </button>
    </div>
  );
}

/** Said when the address held filters the page could not read (they were reset). */
export function FiltersReset({ messages }: { messages: string[] | null }) {
  if (!messages) return null;
  return (
    <Notice tone="warning" role="alert">
      Some filters were not understood and were reset: {messages.join(" ")}
    </Notice>
  );
}
