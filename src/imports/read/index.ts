export * from './table';
export { openTable } from './open-table';
export {
  TARGETS,
  suggestMapping,
  targetOf,
  headerKey,
  isMobileHeader,
  type TargetField,
} from './targets';
export { mapRow, splitFullName, splitList, type MappedRow } from './map-row';
export { phoneE164 } from './phone';
export { countryCode } from './country';
export { VCARD_HEADERS } from './vcard';
export { cellText } from './xlsx';
