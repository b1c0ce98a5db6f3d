// The SKM of Permenpan RB 14/2017: the nine unsur and the four grades of mutu pelayanan (Lampiran, Bab IV-V).
// The unsur names are the regulation's own; English glosses for readers who switch language.
import { section } from '../section';

export const ikm = section('ikm', {
  'unsur.U1': 'Requirements',
  'unsur.U2': 'Systems, mechanisms and procedures',
  'unsur.U3': 'Completion time',
  'unsur.U4': 'Costs/tariffs',
  'unsur.U5': 'Products and service specifications',
  'unsur.U6': 'Staff competence',
  'unsur.U7': 'Staff conduct',
  'unsur.U8': 'Facilities and infrastructure',
  'unsur.U9': 'Handling of complaints, suggestions and feedback',
  'band.A': 'A (Very good)',
  'band.B': 'B (Good)',
  'band.C': 'C (Below good)',
  'band.D': 'D (Not good)',
  'col.unit': 'Unit',
  'col.period': 'Period',
  'col.ci': '95% CI',
  'col.band': 'Service quality',
  network: 'Network',
  commandSummary: 'the IKM of Permenpan RB 14/2017 per branch and the network, quarter and year',
  tableTitle: 'Public satisfaction index (IKM, Permenpan RB 14/2017)',
  tableNote: 'IKM = sum of the unsur means (NRR) x 1/9 x 25; grade on the IKM rounded to two decimals: A >= 88.31, B >= 76.61, C >= 65.00, else D.',
}, {
  'unsur.U1': 'Persyaratan',
  'unsur.U2': 'Sistem, mekanisme dan prosedur',
  'unsur.U3': 'Waktu penyelesaian',
  'unsur.U4': 'Biaya/tarif',
  'unsur.U5': 'Produk spesifikasi jenis pelayanan',
  'unsur.U6': 'Kompetensi pelaksana',
  'unsur.U7': 'Perilaku pelaksana',
  'unsur.U8': 'Sarana dan prasarana',
  'unsur.U9': 'Penanganan pengaduan, saran dan masukan',
  'band.A': 'A (Sangat Baik)',
  'band.B': 'B (Baik)',
  'band.C': 'C (Kurang Baik)',
  'band.D': 'D (Tidak Baik)',
  'col.unit': 'Unit',
  'col.period': 'Periode',
  'col.ci': 'SK 95%',
  'col.band': 'Mutu pelayanan',
  network: 'Nasional',
  commandSummary: 'IKM menurut Permenpan RB 14/2017 per kantor cabang dan nasional, per triwulan dan tahun',
  tableTitle: 'Indeks Kepuasan Masyarakat (IKM, Permenpan RB 14/2017)',
  tableNote: 'IKM = jumlah nilai rata-rata unsur (NRR) x 1/9 x 25; mutu pada IKM dibulatkan dua desimal: A >= 88,31, B >= 76,61, C >= 65,00, selain itu D.',
});

export const UNSUR_NAME_KEY = {
  U1: 'ikm.unsur.U1', U2: 'ikm.unsur.U2', U3: 'ikm.unsur.U3', U4: 'ikm.unsur.U4', U5: 'ikm.unsur.U5',
  U6: 'ikm.unsur.U6', U7: 'ikm.unsur.U7', U8: 'ikm.unsur.U8', U9: 'ikm.unsur.U9',
} as const;
export const BAND_NAME_KEY = { A: 'ikm.band.A', B: 'ikm.band.B', C: 'ikm.band.C', D: 'ikm.band.D' } as const;
