// Figure 1 of Suryani et al. (2024) redrawn from a unit's results: the constructs as ellipses, the structural paths
// as arrows labelled with their coefficient and significance, R² under each endogenous construct.
import type { ModelView } from '../../shared/api/types';
import { svg } from './dom';
import { fmtCoef, stars } from './format';
import { t } from './i18n';

const POS: Record<string, [number, number]> = {
  CRM: [95, 55], SQ: [95, 255], TRUST: [330, 155], SAT: [585, 155], GOV: [330, 300], 'TRUST*GOV': [585, 300],
};
/** The nodes' short names, with the paper's variable letters (a literal map: the catalogue test sees the keys). */
const NAME_KEY = {
  CRM: 'dash.diagram.CRM', SQ: 'dash.diagram.SQ', TRUST: 'dash.diagram.TRUST', SAT: 'dash.diagram.SAT', GOV: 'dash.diagram.GOV', 'TRUST*GOV': 'dash.diagram.TRUSTxGOV',
} as const;
const RX = 76, RY = 24;

function edgePoint(from: [number, number], to: [number, number]): [number, number] {
  const dx = to[0] - from[0], dy = to[1] - from[1];
  const t = 1 / Math.sqrt((dx / RX) ** 2 + (dy / RY) ** 2);
  return [from[0] + dx * t, from[1] + dy * t];
}

export function modelDiagram(m: ModelView, title: string): SVGElement {
  const direct = m.paths.filter((p) => p.kind === 'direct');
  const desc = direct.map((p) => t('dash.diagram.path', { from: p.from, to: p.to, coef: fmtCoef(p.estimate), stars: stars(p.p) })).join('; ');
  const root = svg('svg', { viewBox: '0 0 680 345', role: 'img', 'aria-labelledby': 'fig1-title fig1-desc', class: 'model-diagram' },
    svg('title', { id: 'fig1-title' }, title),
    svg('desc', { id: 'fig1-desc' }, t('dash.diagram.desc', { paths: desc, legend: t('dash.stars.legend', { p1: fmtCoef(0.001), p2: fmtCoef(0.01, 2), p3: fmtCoef(0.05, 2) }) })),
    svg('defs', {},
      svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#222' })),
      svg('marker', { id: 'arrow-ns', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#888' }))));
  for (const p of direct) {
    const a = POS[p.from], b = POS[p.to];
    if (!a || !b) continue;
    const s = edgePoint(a, b), e = edgePoint(b, a);
    const sig = p.p !== null && p.p < 0.05;
    const width = 1 + Math.min(4, Math.abs(p.estimate ?? 0) * 6);
    root.appendChild(svg('line', {
      x1: s[0], y1: s[1], x2: e[0], y2: e[1], stroke: sig ? '#222' : '#888', 'stroke-width': width.toFixed(1),
      'stroke-dasharray': sig ? 'none' : '6 4', 'marker-end': `url(#${sig ? 'arrow' : 'arrow-ns'})`,
    }));
    // Long edges carry their label nearer the source, clear of the nodes they pass.
    const at = Math.abs(e[0] - s[0]) > 300 ? 0.32 : p.to === 'TRUST' ? 0.62 : 0.5;
    const mx = s[0] + (e[0] - s[0]) * at, my = s[1] + (e[1] - s[1]) * at;
    const text = `${fmtCoef(p.estimate)}${stars(p.p) === 'ns' ? ' ns' : stars(p.p)}`;
    const g = svg('g', { 'data-path': `${p.from}>${p.to}` },
      svg('rect', { x: mx - 34, y: my - 11, width: 68, height: 20, rx: 4, fill: '#fff', stroke: '#ccc' }),
      svg('text', { x: mx, y: my + 4, 'text-anchor': 'middle', 'font-size': 12, fill: '#111' }, text));
    root.appendChild(g);
  }
  for (const [c, [x, y]] of Object.entries(POS)) {
    if (!direct.some((p) => p.from === c || p.to === c)) continue;
    const r2 = m.rSquared[c]?.r2;
    root.appendChild(svg('g', { 'data-construct': c },
      svg('ellipse', { cx: x, cy: y, rx: RX, ry: RY, fill: c === 'SAT' || c === 'TRUST' ? '#e6eef8' : '#f4f4f4', stroke: '#1f5fa8', 'stroke-width': 1.5 }),
      svg('text', { x, y: y + 4, 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 600, fill: '#111' }, c in NAME_KEY ? t(NAME_KEY[c as keyof typeof NAME_KEY]) : c),
      ...(r2 !== undefined && r2 !== null ? [svg('text', { x, y: y - RY - 7, 'text-anchor': 'middle', 'font-size': 12, fill: '#333' }, `R² = ${fmtCoef(r2)}`)] : [])));
  }
  return root;
}
