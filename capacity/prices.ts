import { z } from "zod";
import { UsageError } from "../core/errors.ts";
import { readInputFile } from "./input-file.ts";

/**
 * The editable price table (`capacity/prices/us-east-1.json`, `--prices FILE`
 * for another): every price with its unit, its source and the date it was
 * read. No price is written in the projection's code.
 */

export const DEFAULT_PRICES = new URL("./prices/us-east-1.json", import.meta.url);

const PriceSchema = z.strictObject({
  value: z.number().nonnegative(),
  unit: z.string().min(1),
  source: z.string().min(1),
  read: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, "a date, YYYY-MM-DD"),
});

export type Price = z.infer<typeof PriceSchema>;

const InstanceSchema = z.strictObject({
  class: z.string().min(1),
  vcpu: z.number().positive(),
  memoryGiB: z.number().positive(),
  hourly: PriceSchema,
});

export type InstanceClass = z.infer<typeof InstanceSchema>;

export const PriceTableSchema = z.strictObject({
  region: z.string().min(1),
  currency: z.string().min(1),
  note: z.string().optional(),
  hoursPerMonth: PriceSchema,
  aurora: z.strictObject({
    instances: z.array(InstanceSchema).min(1),
    ioOptimizedInstanceFactor: PriceSchema,
    serverlessAcuHour: z.strictObject({ standard: PriceSchema, ioOptimized: PriceSchema }),
    storageGiBMonth: z.strictObject({ standard: PriceSchema, ioOptimized: PriceSchema }),
    ioPerMillion: PriceSchema,
  }),
  dynamodb: z.strictObject({
    onDemandReadPerMillion: PriceSchema,
    onDemandWritePerMillion: PriceSchema,
    provisionedRcuHour: PriceSchema,
    provisionedWcuHour: PriceSchema,
    storageGiBMonth: PriceSchema,
  }),
});

export type PriceTable = z.infer<typeof PriceTableSchema> & { file: string };

/** Every price of the table with its dotted name, for the sources table of the reports. */
export function priceList(t: PriceTable): { name: string; price: Price }[] {
  const out: { name: string; price: Price }[] = [{ name: "hoursPerMonth", price: t.hoursPerMonth }];
  for (const i of t.aurora.instances) out.push({ name: `aurora ${i.class}`, price: i.hourly });
  const a = t.aurora;
  out.push(
    { name: "aurora I/O-Optimized instance factor", price: a.ioOptimizedInstanceFactor },
    { name: "aurora Serverless v2 ACU-hour (Standard)", price: a.serverlessAcuHour.standard },
    {
      name: "aurora Serverless v2 ACU-hour (I/O-Optimized)",
      price: a.serverlessAcuHour.ioOptimized,
    },
    { name: "aurora storage (Standard)", price: a.storageGiBMonth.standard },
    { name: "aurora storage (I/O-Optimized)", price: a.storageGiBMonth.ioOptimized },
    { name: "aurora I/O", price: a.ioPerMillion },
  );
  const d = t.dynamodb;
  out.push(
    { name: "dynamodb on-demand reads", price: d.onDemandReadPerMillion },
    { name: "dynamodb on-demand writes", price: d.onDemandWritePerMillion },
    { name: "dynamodb provisioned RCU", price: d.provisionedRcuHour },
    { name: "dynamodb provisioned WCU", price: d.provisionedWcuHour },
    { name: "dynamodb storage", price: d.storageGiBMonth },
  );
  return out;
}

/** Validates a parsed price table; `file` names it in messages. */
export function validatePrices(data: unknown, file: string): PriceTable {
  const r = PriceTableSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = [...issue.path, ...(issue.code === "unrecognized_keys" ? [issue.keys[0]] : [])]
      .map(String)
      .join(".");
    const what =
      issue.code === "unrecognized_keys" ? "is not a field of the price table" : issue.message;
    throw new UsageError(
      `--prices ${file}: '${at}' ${what.replace(/^Invalid input: /, "")}; compare it with capacity/prices/us-east-1.json`,
    );
  }
  return { ...r.data, file };
}

export function loadPrices(file: string | URL): PriceTable {
  const { name, data } = readInputFile(
    "prices",
    file,
    JSON.parse,
    "start from capacity/prices/us-east-1.json",
  );
  return validatePrices(data, name);
}
