/** The noun for a count: "user" for 1, "users" otherwise (for a count shown apart from its noun). */
export function pluralWord(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/** A count with its noun: "1 prospect", "2 prospects", "1,200 minutes". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${pluralWord(count, one, many)}`;
}
