/** A count with its noun: "1 prospect", "2 prospects", "1,200 minutes". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}
