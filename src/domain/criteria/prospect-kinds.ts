import { sql } from "drizzle-orm";
import * as v from "valibot";
import { cleanText } from "../text";
import { asciiLower } from "./facts";
import { defineKind } from "./kind";

/** Conditions on the prospect record: email domain, company, country, score, campaign, tags, lists. */

const Text = (what: string, max: number) =>
  v.pipe(
    v.string(`Enter ${what}.`),
    v.transform(cleanText),
    v.trim(),
    v.nonEmpty(`Enter ${what}.`),
    v.maxLength(max, `Use at most ${max} characters for ${what}.`),
  );

const Id = (what: string) =>
  v.pipe(v.string(`Pick ${what}.`), v.trim(), v.nonEmpty(`Pick ${what}.`), v.maxLength(64, `Pick ${what}.`));

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function domainOf(email: string): string {
  return email.slice(email.indexOf("@") + 1);
}

export const emailDomain = defineKind({
  kind: "email_domain",
  label: "Email domain",
  section: "Prospect",
  schema: v.object({
    domain: v.pipe(
      v.string("Enter a domain like acme.com."),
      v.trim(),
      v.toLowerCase(),
      v.transform((d) => (d.startsWith("@") ? d.slice(1) : d)),
      v.regex(DOMAIN, "Enter a domain like acme.com."),
    ),
  }),
  fields: [{ name: "domain", label: "Domain", type: "text", maxlength: 253, placeholder: "acme.com" }],
  defaults: { domain: "" },
  describe: (p) => `Email domain is ${p.domain}`,
  evaluate: (p, facts) => domainOf(facts.email) === p.domain,
  sql: (p) => sql`substr(p.email, instr(p.email, '@') + 1) = ${p.domain}`,
  references: () => [],
  reads: ["fields"],
});

const TEXT_OPS = ["is", "contains"] as const;

export const company = defineKind({
  kind: "company",
  label: "Company",
  section: "Prospect",
  schema: v.object({
    op: v.picklist(TEXT_OPS, "Choose is or contains."),
    value: Text("a company name", 100),
  }),
  fields: [
    {
      name: "op",
      label: "Compare",
      type: "select",
      options: [
        { value: "is", label: "is" },
        { value: "contains", label: "contains" },
      ],
    },
    { name: "value", label: "Company", type: "text", maxlength: 100 },
  ],
  defaults: { op: "is", value: "" },
  describe: (p) => `Company ${p.op} “${p.value}”`,
  evaluate: (p, facts) => {
    const have = asciiLower(facts.company ?? "");
    const want = asciiLower(p.value);
    return p.op === "is" ? have === want : have.includes(want);
  },
  sql: (p) => sql`CASE ${p.op}
      WHEN 'is' THEN lower(coalesce(p.company, '')) = lower(${p.value})
      ELSE instr(lower(coalesce(p.company, '')), lower(${p.value})) > 0 END`,
  references: () => [],
  reads: ["fields"],
});

export const country = defineKind({
  kind: "country",
  label: "Country",
  section: "Prospect",
  schema: v.object({ value: Text("a country", 100) }),
  fields: [{ name: "value", label: "Country", type: "text", maxlength: 100 }],
  defaults: { value: "" },
  describe: (p) => `Country is “${p.value}”`,
  evaluate: (p, facts) => asciiLower(facts.country ?? "") === asciiLower(p.value),
  sql: (p) => sql`lower(coalesce(p.country, '')) = lower(${p.value})`,
  references: () => [],
  reads: ["fields"],
});

export const MAX_SCORE = 1_000_000;
const SCORE_OPS = ["at_least", "at_most"] as const;

export const score = defineKind({
  kind: "score",
  label: "Score",
  section: "Prospect",
  schema: v.object({
    op: v.picklist(SCORE_OPS, "Choose at least or at most."),
    value: v.pipe(
      v.number("Enter the score as a whole number."),
      v.integer("Enter the score as a whole number."),
      v.minValue(-MAX_SCORE, `Enter a score from -${MAX_SCORE} to ${MAX_SCORE}.`),
      v.maxValue(MAX_SCORE, `Enter a score from -${MAX_SCORE} to ${MAX_SCORE}.`),
    ),
  }),
  fields: [
    {
      name: "op",
      label: "Compare",
      type: "select",
      options: [
        { value: "at_least", label: "at least (≥)" },
        { value: "at_most", label: "at most (≤)" },
      ],
    },
    { name: "value", label: "Score", type: "number", min: -MAX_SCORE, max: MAX_SCORE },
  ],
  defaults: { op: "at_least", value: "50" },
  describe: (p) => `Score is ${p.op === "at_least" ? "at least" : "at most"} ${p.value}`,
  evaluate: (p, facts) => (p.op === "at_least" ? facts.score >= p.value : facts.score <= p.value),
  sql: (p) => sql`CASE ${p.op} WHEN 'at_least' THEN p.score >= ${p.value} ELSE p.score <= ${p.value} END`,
  references: () => [],
  reads: ["score"],
});

export const campaign = defineKind({
  kind: "campaign",
  label: "Campaign",
  section: "Prospect",
  schema: v.object({ campaignId: Id("a campaign") }),
  fields: [{ name: "campaignId", label: "Campaign", type: "campaign" }],
  defaults: { campaignId: "" },
  describe: (p, names) => {
    const name = names.campaign(p.campaignId);
    return name === null ? "Campaign is a deleted campaign" : `Campaign is “${name}”`;
  },
  evaluate: (p, facts) => facts.campaignId === p.campaignId,
  sql: (p) => sql`p.campaign_id = ${p.campaignId}`,
  references: (p) => [{ type: "campaign", id: p.campaignId, param: "campaignId" }],
  reads: ["campaign"],
});

export const tag = defineKind({
  kind: "tag",
  label: "Tag",
  section: "Prospect",
  schema: v.object({ tag: Text("a tag", 50) }),
  fields: [{ name: "tag", label: "Tag", type: "text", maxlength: 50 }],
  defaults: { tag: "" },
  describe: (p) => `Has the tag “${p.tag}”`,
  evaluate: (p, facts) => facts.tags.has(p.tag),
  sql: (p) => sql`EXISTS (SELECT 1 FROM prospect_tags t WHERE t.prospect_id = p.id AND t.tag = ${p.tag})`,
  references: () => [],
  reads: ["tags"],
});

export const listMember = defineKind({
  kind: "list_member",
  label: "List membership",
  section: "Prospect",
  schema: v.object({ listId: Id("a list") }),
  fields: [{ name: "listId", label: "List", type: "list" }],
  defaults: { listId: "" },
  describe: (p, names) => {
    const name = names.list(p.listId);
    return name === null ? "Is in a deleted list" : `Is in the list “${name}”`;
  },
  evaluate: (p, facts) => facts.listIds.has(p.listId),
  sql: (p) => sql`EXISTS (SELECT 1 FROM list_members m WHERE m.prospect_id = p.id AND m.list_id = ${p.listId})`,
  references: (p) => [{ type: "list", id: p.listId, param: "listId" }],
  reads: ["lists"],
});
