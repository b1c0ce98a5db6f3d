// Folder prefixes of the two data buckets, taken from shared/layout so a layout change moves the grants, the
// lifecycle rules and the people's policies with it.
import { layoutPrefix, RAW_LAYOUT, S3_LAYOUT } from '../../shared/layout/keys';

/** Curated-bucket prefixes. */
export const CURATED = {
  /** Clean rows: one participant per row, respondent id pseudonymised. */
  clean: layoutPrefix(S3_LAYOUT.cleanPart('p', 'b', 'h')),
  /** Rows a drop could not use, with the reason (minimal and masked: README "Personal data"). */
  rejects: layoutPrefix(S3_LAYOUT.rejects('h')),
  /** Per-drop manifests (partitions, counts). */
  manifests: layoutPrefix(S3_LAYOUT.manifest('h')),
  /** Model results and assessments: aggregates per branch, region, network. */
  results: layoutPrefix(S3_LAYOUT.result('p', 'u')),
  /** The assessment state machine's work files (unit lists, map results). */
  assessments: layoutPrefix(S3_LAYOUT.assessmentItems('p', 'r')),
  /** Branch directory and instrument (SATMON_INSTRUMENT_KEY must point under it); read by every handler. */
  config: layoutPrefix(S3_LAYOUT.branches),
} as const;

/** Raw-bucket prefix of every survey drop (both kinds of uploader folder are under it). */
export const RAW_DROPS = RAW_LAYOUT.root;
