/**
 * `class XDto implements View` catches a required field missing from the DTO, but not an optional
 * field added to the view only (TypeScript lets a class leave optional members out), nor a field
 * the DTO has and the view never fills. `sameKeys<XDto, View>(true)` fails to compile in either
 * case, and the error names the keys: the OpenAPI document lists exactly the fields the service sends.
 */
type KeysOnlyIn<A, B> = Exclude<keyof A, keyof B>;
type SameKeysOrDiff<Dto, View> = [KeysOnlyIn<View, Dto> | KeysOnlyIn<Dto, View>] extends [never]
  ? true
  : { missingFromDto: KeysOnlyIn<View, Dto>; missingFromView: KeysOnlyIn<Dto, View> };

/** Compile-time only; the call does nothing when it compiles. */
export function sameKeys<Dto, View>(same: SameKeysOrDiff<Dto, View>): void {
  void same;
}
