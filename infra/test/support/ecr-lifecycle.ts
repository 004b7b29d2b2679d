// ECR lifecycle policy semantics, for tests: rules are applied in rulePriority order; an image is matched by a
// tagged rule if ANY of its tags starts with one of the rule's prefixes; an image matched by a rule is never
// considered by a rule of lower priority. See the ECR user guide, "Lifecycle policy evaluation rules".
export interface EcrImage {
  readonly digest: string;
  readonly tags: string[];
  /** Push time, larger is newer. */
  readonly pushedAt: number;
}

interface Rule {
  rulePriority: number;
  selection: {
    tagStatus: "tagged" | "untagged" | "any";
    tagPrefixList?: string[];
    countType: "imageCountMoreThan" | "sinceImagePushed";
    countNumber: number;
    countUnit?: string;
  };
}

/** The digests the policy expires now; `ageDays(image)` tells how old an image is. */
export function expiredImages(policyText: string, images: EcrImage[], ageDays: (i: EcrImage) => number): string[] {
  const rules = (JSON.parse(policyText) as { rules: Rule[] }).rules.sort((a, b) => a.rulePriority - b.rulePriority);
  const claimed = new Set<string>();
  const expired: string[] = [];
  for (const rule of rules) {
    const { selection } = rule;
    const matches = images.filter((image) => {
      if (claimed.has(image.digest)) return false;
      if (selection.tagStatus === "untagged") return image.tags.length === 0;
      if (selection.tagStatus === "any") return true;
      return image.tags.some((t) => (selection.tagPrefixList ?? []).some((p) => t.startsWith(p)));
    });
    for (const image of matches) claimed.add(image.digest);
    const newestFirst = [...matches].sort((a, b) => b.pushedAt - a.pushedAt);
    const doomed =
      selection.countType === "imageCountMoreThan"
        ? newestFirst.slice(selection.countNumber)
        : newestFirst.filter((i) => ageDays(i) > selection.countNumber);
    expired.push(...doomed.map((i) => i.digest));
  }
  return expired;
}
