export {
  ImportFileError,
  MAX_COLUMNS,
  type ImportEncoding,
  type ImportFileErrorCode,
  type ImportFormat,
  type ImportKind,
  type SourceRow,
  type SourceTable,
} from './table';
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
export { languageTag } from './languages';
export { partnerKind } from './partner-kind';
export { VCARD_HEADERS } from './vcard';
export { cellText } from './xlsx';
