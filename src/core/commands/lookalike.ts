// Folding that shows what a word would read as once Unicode look-alikes are taken at face value
// (NFKC, invisible characters dropped, common Cyrillic/Greek/Latin confusables mapped). Commands
// are never accepted through it: it only tells a disguised command word, to be ignored silently,
// from an honest typo that deserves a usage reply.

const INVISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each mark is matched alone on purpose (invisible ones are shown).
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{E0000}-\u{E0FFF}]/gu;

const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  і: "i",
  ї: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  һ: "h",
  ӏ: "l",
  ѵ: "v",
  ү: "y",
  ɡ: "g",
  // Greek
  α: "a",
  β: "b",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ϲ: "c",
  // Latin and others
  ı: "i",
  ſ: "s",
  ɑ: "a",
  ℓ: "l",
  ᴠ: "v",
  ʏ: "y",
  օ: "o",
  ս: "u",
  ո: "n",
  ց: "g",
};

function fold(word: string): string {
  const plain = word.normalize("NFKC").replace(INVISIBLE, "").toLowerCase();
  return Array.from(plain, (ch) => CONFUSABLES[ch] ?? ch).join("");
}

/** Lower-cases ASCII letters only, so no non-ASCII letter can fold into a command word. */
export function asciiLower(word: string): string {
  return word.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** True when `word` is not `target` but would read as it after folding. */
export function disguises(word: string, target: string): boolean {
  return asciiLower(word) !== target && fold(word) === target;
}
