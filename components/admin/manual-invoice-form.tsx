import type { FormAction } from "@/components/ui/action-state";
import { ActionForm } from "./action-form";
import { Field, inputClass } from "@/components/ui/field";

type Props = {
  action: FormAction;
  orgName: string;
  currency: string;
  /** How many line rows to offer (the server accepts at most this many). */
  lines: number;
};

/** A manual invoice: up to `lines` rows (blank rows are skipped), amounts typed in major units. */
export function ManualInvoiceForm({ action, orgName, currency, lines }: Props) {
  const cur = currency.toUpperCase();
  return (
    <ActionForm
      action={action}
      submitLabel="Create invoice"
      confirm={{
        title: `Create an invoice for ${orgName}?`,
        body: "An open invoice is issued now with the lines given; it shows on the customer’s billing page.",
        confirmLabel: "Create invoice",
      }}
    >
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Lines (unused rows are skipped)</legend>
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className="grid gap-2 sm:grid-cols-[1fr_5rem_8rem]">
            <input
              name={`line${i}Description`}
              aria-label={`Line ${i + 1} description`}
              placeholder={i === 0 ? "Description" : `Line ${i + 1} (optional)`}
              maxLength={200}
              required={i === 0}
              className={inputClass}
            />
            <input
              name={`line${i}Quantity`}
              aria-label={`Line ${i + 1} quantity`}
              type="number"
              min={1}
              step={1}
              defaultValue={1}
              className={inputClass}
            />
            <input
              name={`line${i}Amount`}
              aria-label={`Line ${i + 1} unit amount (${cur})`}
              inputMode="decimal"
              placeholder={`Unit ${cur}, e.g. 420.00`}
              required={i === 0}
              className={inputClass}
            />
          </div>
        ))}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Due in days" id="f-due">
          <input id="f-due" name="dueInDays" type="number" min={0} max={120} defaultValue={30} className={inputClass} />
        </Field>
        <Field label="Memo (optional)" id="f-memo">
          <input id="f-memo" name="memo" maxLength={500} className={inputClass} />
        </Field>
      </div>
    </ActionForm>
  );
}
