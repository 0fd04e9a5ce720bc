import { prospects } from "../schema";

/** A prospect as a page of people (list members, a count's registrants, an engagement's prospects) shows it. */
export interface PersonSummary {
  prospectId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  score: number;
}

/** The select columns of `PersonSummary` but the id, which each query takes from its own table. */
export const personColumns = {
  email: prospects.email,
  firstName: prospects.firstName,
  lastName: prospects.lastName,
  company: prospects.company,
  score: prospects.score,
};
