/**
 * Label selectors (k8s.io/apimachinery/pkg/labels): the AND of requirements, kept sorted by key
 * so equal selectors print equally. Built from the `labelSelector` query string
 * (parseLabelSelector), from a metav1.LabelSelector object in a spec (labelSelectorFromObject), or
 * from a map of labels (labelSelectorFromSet). toString() is Kubernetes' canonical form, the one
 * a scale subresource reports in status.selector (`app=nginx,tier in (be,fe)`).
 */
import { SelectorError, SelectorErrorCode } from './errors.js';
import { parseLabelRequirements } from './label_parser.js';
import { LabelOperator, LabelRequirement, type Labels, compareStrings, createLabelRequirement } from './label_requirement.js';

/** metav1.LabelSelector as JSON. */
export interface MetaLabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?: readonly MetaLabelSelectorRequirement[] | null;
}

/** metav1.LabelSelectorRequirement as JSON; operator is In, NotIn, Exists or DoesNotExist. */
export interface MetaLabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[] | null;
}

const NO_LABELS: Labels = {};

export class LabelSelector {
  private constructor(
    /** Sorted by key (stable: requirements on one key keep their order). */
    readonly requirements: readonly LabelRequirement[],
    /** labels.Nothing(): the selector of a nil metav1.LabelSelector, which matches no object. */
    readonly matchesNothing: boolean,
  ) {}

  private static readonly EVERYTHING = new LabelSelector([], false);
  private static readonly NOTHING = new LabelSelector([], true);

  /** Matches every object (an empty selector string, or an empty metav1.LabelSelector). */
  static everything(): LabelSelector {
    return LabelSelector.EVERYTHING;
  }

  /** Matches no object. */
  static nothing(): LabelSelector {
    return LabelSelector.NOTHING;
  }

  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    return requirements.length === 0 ? LabelSelector.EVERYTHING : new LabelSelector(sortByKey(requirements), false);
  }

  /** True when the selector does not restrict anything (Selector.Empty()). Nothing is not empty. */
  get isEmpty(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  matches(labels: Labels | undefined): boolean {
    if (this.matchesNothing) return false;
    const set = labels ?? NO_LABELS;
    return this.requirements.every((r) => r.matches(set));
  }

  /** This selector with more requirements (Nothing stays Nothing). */
  add(...requirements: LabelRequirement[]): LabelSelector {
    if (this.matchesNothing) return this;
    return LabelSelector.of([...this.requirements, ...requirements]);
  }

  /**
   * The value the selector requires `key` to have, when its first requirement on `key` is `=`,
   * `==` or `in` with one value (RequiresExactMatch); storage can use it to narrow a list.
   */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((req) => req.key === key);
    if (r === undefined) return undefined;
    const exact = r.operator === LabelOperator.Equals || r.operator === LabelOperator.DoubleEquals || r.operator === LabelOperator.In;
    return exact && r.values.length === 1 ? r.values[0] : undefined;
  }

  /** Canonical form: requirements by key, joined with ','. Everything and Nothing are both ''. */
  toString(): string {
    return this.requirements.map((r) => r.toString()).join(',');
  }
}

function sortByKey(requirements: readonly LabelRequirement[]): LabelRequirement[] {
  return [...requirements].sort((a, b) => compareStrings(a.key, b.key));
}

/** labels.Parse: the `labelSelector` query parameter. Throws SelectorError with upstream's message. */
export function parseLabelSelector(selector: string): LabelSelector {
  return LabelSelector.of(parseLabelRequirements(selector));
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, an empty selector everything;
 * matchLabels become `=` requirements and matchExpressions In / NotIn / Exists / DoesNotExist.
 */
export function labelSelectorFromObject(selector: MetaLabelSelector | null | undefined): LabelSelector {
  if (selector === null || selector === undefined) return LabelSelector.nothing();
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return LabelSelector.everything();
  const requirements = matchLabels.map(([k, v]) => createLabelRequirement(k, LabelOperator.Equals, [v]));
  for (const expr of expressions) {
    const operator = EXPRESSION_OPERATORS[expr.operator];
    if (operator === undefined) {
      throw new SelectorError(
        SelectorErrorCode.LABEL_SELECTOR_INVALID,
        `${JSON.stringify(expr.operator)} is not a valid label selector operator`,
      );
    }
    requirements.push(createLabelRequirement(expr.key, operator, [...(expr.values ?? [])]));
  }
  return LabelSelector.of(requirements);
}

const EXPRESSION_OPERATORS: Readonly<Record<string, LabelOperator>> = Object.assign(Object.create(null) as object, {
  In: LabelOperator.In,
  NotIn: LabelOperator.NotIn,
  Exists: LabelOperator.Exists,
  DoesNotExist: LabelOperator.DoesNotExist,
});

/** labels.ValidatedSelectorFromSet: `k=v` for every label (an empty set selects everything). */
export function labelSelectorFromSet(labels: Labels): LabelSelector {
  return LabelSelector.of(Object.entries(labels).map(([k, v]) => createLabelRequirement(k, LabelOperator.Equals, [v])));
}

/** metav1.FormatLabelSelector, as kubectl describe prints selectors: '<none>' when empty, '<error>' when invalid. */
export function formatLabelSelector(selector: MetaLabelSelector | null | undefined): string {
  try {
    return labelSelectorFromObject(selector).toString() || '<none>';
  } catch (err) {
    if (err instanceof SelectorError) return '<error>';
    throw err;
  }
}
