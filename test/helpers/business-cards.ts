/// <reference lib="dom" />
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launch } from '../browser/browser';

/**
 * Business cards generated from known people, rendered in Chromium and photographed: the card
 * on a table, turned a little, lit unevenly, with grain. What the card reader is scored on.
 */

export interface Person {
  /** In Chinese script, for a Chinese person. */
  nativeName?: string;
  familyName: string;
  givenName: string;
  /** As the latin side prints it (default: given family). */
  latinAs?: string;
  title?: string;
  organisation?: string;
  nativeOrganisation?: string;
  position?: string;
  nativePosition?: string;
  email: string;
  /** As printed, with the label's kind; the reader should give them as e164. */
  phones: { kind: 'mobile' | 'phone'; printed: string; e164: string }[];
  fax?: string;
  wechatId?: string;
  /** Lines of the latin address; nativeAddress in one line. */
  address?: string[];
  nativeAddress?: string;
  website?: string;
}

export type Layout = 'centred' | 'left' | 'columns' | 'labels' | 'band';

export interface CardSpec {
  person: Person;
  /** The layout of the front; a bilingual card has an English back in `backLayout`. */
  layout: Layout;
  /** Chinese front (a Chinese person's card); with `bilingual`, an English back as a second image. */
  chineseFront: boolean;
  bilingual: boolean;
  backLayout?: Layout;
  font: string;
  accent: string;
}

export const PEOPLE: Person[] = [
  {
    nativeName: '欧阳娜娜',
    familyName: 'Ouyang',
    givenName: 'Nana',
    nativeOrganisation: '北京华信科技有限公司',
    organisation: 'Beijing Huaxin Technology Co., Ltd.',
    nativePosition: '市场总监',
    position: 'Marketing Director',
    email: 'nana.ouyang@huaxin-tech.cn',
    phones: [
      { kind: 'mobile', printed: '+86 138 1234 5678', e164: '+8613812345678' },
      { kind: 'phone', printed: '+86 10 6552 8899', e164: '+861065528899' },
    ],
    wechatId: 'ouyang_nana88',
    nativeAddress: '北京市朝阳区建国路88号SOHO现代城A座1203室',
    address: ['Room 1203, Tower A, SOHO New Town', '88 Jianguo Road, Chaoyang District, Beijing'],
    website: 'www.huaxin-tech.cn',
  },
  {
    nativeName: '王小明',
    familyName: 'Wang',
    givenName: 'Xiaoming',
    nativeOrganisation: '上海浦江国际贸易有限公司',
    organisation: 'Shanghai Pujiang International Trading Co., Ltd.',
    nativePosition: '总经理',
    position: 'General Manager',
    email: 'wang.xiaoming@pujiang-trade.com',
    phones: [
      { kind: 'mobile', printed: '139 1765 4321', e164: '+8613917654321' },
      { kind: 'phone', printed: '021-6279 3300', e164: '+862162793300' },
    ],
    fax: '021-6279 3301',
    wechatId: 'xiaoming_wang',
    nativeAddress: '上海市静安区南京西路1266号恒隆广场2座3501室',
    address: ['Suite 3501, Plaza 66 Tower 2', '1266 Nanjing West Road, Shanghai'],
    website: 'www.pujiang-trade.com',
  },
  {
    nativeName: '张伟',
    familyName: 'Zhang',
    givenName: 'Wei',
    nativeOrganisation: '深圳前海新能源集团',
    organisation: 'Shenzhen Qianhai New Energy Group',
    nativePosition: '副总裁',
    position: 'Vice President',
    email: 'zhangwei@qhne.com.cn',
    phones: [{ kind: 'mobile', printed: '186 0755 2233', e164: '+8618607552233' }],
    wechatId: 'zw_qhne2020',
    nativeAddress: '深圳市南山区前海大道168号',
    website: 'www.qhne.com.cn',
  },
  {
    nativeName: '李静怡',
    familyName: 'Li',
    givenName: 'Jingyi',
    nativeOrganisation: '杭州云栖软件股份有限公司',
    organisation: 'Hangzhou Yunqi Software Co., Ltd.',
    nativePosition: '销售经理',
    position: 'Sales Manager',
    email: 'jingyi.li@yunqisoft.cn',
    phones: [
      { kind: 'mobile', printed: '135 8866 1024', e164: '+8613588661024' },
      { kind: 'phone', printed: '0571-8702 5566', e164: '+8657187025566' },
    ],
    wechatId: 'lijingyi_hz',
    nativeAddress: '浙江省杭州市西湖区文三路259号',
    website: 'www.yunqisoft.cn',
  },
  {
    nativeName: '陈建国',
    familyName: 'Chen',
    givenName: 'Jianguo',
    nativeOrganisation: '成都天府机械制造有限公司',
    nativePosition: '董事长',
    email: 'chenjg@tianfu-mech.com',
    phones: [
      { kind: 'phone', printed: '028-8555 6677', e164: '+862885556677' },
      { kind: 'mobile', printed: '137 0800 1199', e164: '+8613708001199' },
    ],
    fax: '028-8555 6678',
    nativeAddress: '四川省成都市高新区天府大道北段1700号',
    website: 'www.tianfu-mech.com',
  },
  {
    nativeName: '刘洋',
    familyName: 'Liu',
    givenName: 'Yang',
    nativeOrganisation: '武汉光谷生物医药研究院',
    organisation: 'Wuhan Optics Valley Biomedical Institute',
    nativePosition: '主任',
    position: 'Head of Research',
    email: 'liuyang@ovbio.org.cn',
    phones: [{ kind: 'mobile', printed: '+86 150 2718 6543', e164: '+8615027186543' }],
    wechatId: 'liuyang_bio',
    nativeAddress: '湖北省武汉市洪山区高新大道666号',
    address: ['666 Gaoxin Avenue, Hongshan District', 'Wuhan, Hubei, P.R. China'],
  },
  {
    nativeName: '赵丽华',
    familyName: 'Zhao',
    givenName: 'Lihua',
    nativeOrganisation: '天津港国际物流有限公司',
    nativePosition: '物流部经理',
    email: 'zhaolihua@tjport-logistics.com',
    phones: [{ kind: 'mobile', printed: '158 2233 4455', e164: '+8615822334455' }],
    wechatId: 'zhaolh_tj',
    nativeAddress: '天津市滨海新区港城大道99号',
  },
  {
    nativeName: '司马光明',
    familyName: 'Sima',
    givenName: 'Guangming',
    nativeOrganisation: '南京紫金投资集团',
    organisation: 'Nanjing Zijin Investment Group',
    nativePosition: '投资总监',
    position: 'Investment Director',
    email: 'sima.gm@zijin-invest.com',
    phones: [
      { kind: 'mobile', printed: '+86 189 5100 7788', e164: '+8618951007788' },
      { kind: 'phone', printed: '+86 25 8468 1200', e164: '+862584681200' },
    ],
    wechatId: 'simagm_nj',
    nativeAddress: '江苏省南京市鼓楼区中山北路30号',
    address: ['30 Zhongshan North Road, Gulou District', 'Nanjing 210008, China'],
    website: 'www.zijin-invest.com',
  },
  {
    nativeName: '黄志强',
    familyName: 'Huang',
    givenName: 'Zhiqiang',
    nativeOrganisation: '广州珠江汽车零部件有限公司',
    nativePosition: '采购总监',
    email: 'huang.zq@zjautoparts.cn',
    phones: [
      { kind: 'mobile', printed: '136 6010 2030', e164: '+8613660102030' },
      { kind: 'phone', printed: '020-3839 1000', e164: '+862038391000' },
    ],
    wechatId: 'hzq_autoparts',
    nativeAddress: '广州市天河区珠江新城华夏路10号',
  },
  {
    nativeName: '周晓红',
    familyName: 'Zhou',
    givenName: 'Xiaohong',
    nativeOrganisation: '苏州工业园区管理委员会',
    organisation: 'Suzhou Industrial Park Administrative Committee',
    nativePosition: '招商局副局长',
    position: 'Deputy Director, Investment Promotion Bureau',
    email: 'zhouxh@sipac.gov.cn',
    phones: [{ kind: 'phone', printed: '+86 512 6668 0001', e164: '+8651266680001' }],
    nativeAddress: '江苏省苏州市工业园区现代大道999号',
    address: ['999 Xiandai Avenue, Suzhou Industrial Park', 'Suzhou, Jiangsu, China'],
    website: 'www.sipac.gov.cn',
  },
  {
    nativeName: '吴海峰',
    familyName: 'Wu',
    givenName: 'Haifeng',
    nativeOrganisation: '青岛海洋装备有限公司',
    nativePosition: '技术总监',
    email: 'wuhaifeng@qdmarine.com',
    phones: [{ kind: 'mobile', printed: '133 6988 5210', e164: '+8613369885210' }],
    wechatId: 'haifeng_wu',
    nativeAddress: '山东省青岛市黄岛区海滨路58号',
    website: 'www.qdmarine.com',
  },
  {
    nativeName: '孙悦',
    familyName: 'Sun',
    givenName: 'Yue',
    nativeOrganisation: '中国银行北京分行',
    organisation: 'Bank of China Beijing Branch',
    nativePosition: '客户经理',
    position: 'Relationship Manager',
    email: 'sunyue@bj.bankofchina.com',
    phones: [
      { kind: 'phone', printed: '010-6659 2288', e164: '+861066592288' },
      { kind: 'mobile', printed: '185 1122 3344', e164: '+8618511223344' },
    ],
    nativeAddress: '北京市西城区复兴门内大街1号',
    address: ['1 Fuxingmen Nei Street, Xicheng District', 'Beijing 100818, China'],
  },
  {
    title: 'Dr.',
    familyName: 'Müller',
    givenName: 'Klaus-Peter',
    organisation: 'Rheinwerk Maschinenbau GmbH',
    position: 'Geschäftsführer',
    email: 'k.mueller@rheinwerk-maschinen.de',
    phones: [
      { kind: 'phone', printed: '+49 211 8993 120', e164: '+492118993120' },
      { kind: 'mobile', printed: '+49 171 2345678', e164: '+491712345678' },
    ],
    fax: '+49 211 8993 199',
    address: ['Königsallee 12', '40212 Düsseldorf'],
    website: 'www.rheinwerk-maschinen.de',
  },
  {
    familyName: 'Schäfer',
    givenName: 'Anna',
    organisation: 'Nordlicht Logistik AG',
    position: 'Head of Business Development',
    email: 'anna.schaefer@nordlicht-logistik.de',
    phones: [{ kind: 'mobile', printed: '+49 (0)160 9876 5432', e164: '+4916098765432' }],
    wechatId: 'anna_schaefer_de',
    address: ['Am Sandtorkai 50', '20457 Hamburg'],
    website: 'www.nordlicht-logistik.de',
  },
  {
    familyName: 'Becker',
    givenName: 'Jonas',
    organisation: 'Stadtwerke Köln GmbH',
    position: 'Projektleiter Energie',
    email: 'jonas.becker@stadtwerke-koeln.de',
    phones: [
      { kind: 'phone', printed: '+49 221 178 4410', e164: '+492211784410' },
      { kind: 'mobile', printed: '+49 151 4455 6677', e164: '+4915144556677' },
    ],
    address: ['Parkgürtel 24', '50823 Köln'],
  },
  {
    familyName: 'Hoffmann',
    givenName: 'Sabine',
    organisation: 'IHK Düsseldorf',
    position: 'Referentin China',
    email: 's.hoffmann@duesseldorf.ihk.de',
    phones: [{ kind: 'phone', printed: '+49 211 3557 241', e164: '+492113557241' }],
    fax: '+49 211 3557 400',
    address: ['Ernst-Schneider-Platz 1', '40212 Düsseldorf'],
    website: 'www.ihk.de/duesseldorf',
  },
  {
    familyName: 'Weber',
    givenName: 'Thomas',
    organisation: 'Weber & Partner Consulting GmbH',
    position: 'Managing Partner',
    email: 'thomas.weber@weber-partner.de',
    phones: [{ kind: 'mobile', printed: '+49 172 800 1234', e164: '+491728001234' }],
    wechatId: 'tweber_consult',
    address: ['Friedrichstraße 95', '10117 Berlin'],
    website: 'www.weber-partner.de',
  },
  {
    familyName: 'von Stein',
    givenName: 'Katharina',
    organisation: 'Deutsch-Chinesische Wirtschaftsvereinigung e.V.',
    position: 'Vorsitzende',
    email: 'k.vonstein@dcw-ev.de',
    phones: [{ kind: 'phone', printed: '+49 221 120 370', e164: '+49221120370' }],
    address: ['Unter Sachsenhausen 10-26', '50667 Köln'],
    website: 'www.dcw-ev.de',
  },
  {
    familyName: 'Carter',
    givenName: 'Emily',
    organisation: 'Bristow Engineering Ltd',
    position: 'Senior Project Manager',
    email: 'emily.carter@bristow-eng.co.uk',
    phones: [
      { kind: 'phone', printed: '+44 20 7946 0321', e164: '+442079460321' },
      { kind: 'mobile', printed: '+44 7911 123456', e164: '+447911123456' },
    ],
    address: ['14 Finsbury Square', 'London EC2A 1BR'],
    website: 'www.bristow-eng.co.uk',
  },
  {
    familyName: 'Brown',
    givenName: 'Michael',
    organisation: 'Pacific Rim Trading Inc.',
    position: 'Director of Operations',
    email: 'mbrown@pacificrim-trading.com',
    phones: [{ kind: 'mobile', printed: '+1 415 555 0187', e164: '+14155550187' }],
    wechatId: 'mike_brown_sf',
    website: 'www.pacificrim-trading.com',
  },
  {
    familyName: 'Wang',
    givenName: 'Fang',
    latinAs: 'WANG Fang',
    organisation: 'Sino-German Industrial Park Qingdao',
    position: 'Director, Investment Services',
    email: 'wang.fang@sgip-qd.cn',
    phones: [
      { kind: 'mobile', printed: '+86 131 5322 8800', e164: '+8613153228800' },
      { kind: 'phone', printed: '+86 532 8699 1000', e164: '+8653286991000' },
    ],
    wechatId: 'wangfang_sgip',
    website: 'www.sgip-qd.cn',
  },
  {
    nativeName: '李明',
    familyName: 'Li',
    givenName: 'Ming',
    nativeOrganisation: '西安丝路文化传媒有限公司',
    organisation: "Xi'an Silk Road Culture Media Co., Ltd.",
    nativePosition: '创意总监',
    position: 'Creative Director',
    email: 'liming@silkroad-media.cn',
    phones: [{ kind: 'mobile', printed: '+86 177 2900 5566', e164: '+8617729005566' }],
    wechatId: 'liming_xa',
    nativeAddress: '陕西省西安市雁塔区高新路52号',
    address: ['52 Gaoxin Road, Yanta District', "Xi'an, Shaanxi, China"],
    website: 'www.silkroad-media.cn',
  },
];

const LATIN_FONTS = ['DejaVu Sans', 'Liberation Serif', 'Liberation Sans', 'Noto Sans CJK SC'];
const CJK_FONTS = ['Noto Sans CJK SC', 'Noto Serif CJK SC'];
const LAYOUTS: Layout[] = ['centred', 'left', 'columns', 'labels', 'band'];
const ACCENTS = ['#9b1c1c', '#1d3f72', '#0f5f4a', '#5b2a86', '#333333'];

/** The set: every person once, layouts and fonts in turn; Chinese people with a latin form bilingual. */
export function cardSpecs(): CardSpec[] {
  return PEOPLE.map((person, i) => {
    const chinese = person.nativeName !== undefined;
    const fonts = chinese ? CJK_FONTS : LATIN_FONTS;
    return {
      person,
      layout: LAYOUTS[i % LAYOUTS.length],
      chineseFront: chinese,
      bilingual: chinese && person.organisation !== undefined,
      backLayout: LAYOUTS[(i + 2) % LAYOUTS.length],
      font: fonts[i % fonts.length],
      accent: ACCENTS[i % ACCENTS.length],
    };
  });
}

/** A seeded random (mulberry32): the same cards, turns and grain on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Side {
  name: string;
  subName?: string;
  organisation?: string;
  position?: string;
  /** Label and value. */
  details: [string, string][];
}

function chineseSide(p: Person): Side {
  const details: [string, string][] = [];
  for (const phone of p.phones)
    details.push([phone.kind === 'mobile' ? '手机' : '电话', phone.printed]);
  if (p.fax) details.push(['传真', p.fax]);
  details.push(['邮箱', p.email]);
  if (p.wechatId) details.push(['微信', p.wechatId]);
  if (p.nativeAddress) details.push(['地址', p.nativeAddress]);
  if (p.website) details.push(['网址', p.website]);
  return {
    name: p.nativeName!,
    organisation: p.nativeOrganisation,
    position: p.nativePosition,
    details,
  };
}

function latinSide(p: Person): Side {
  const details: [string, string][] = [];
  const german = p.phones.every((phone) => phone.e164.startsWith('+49'));
  for (const phone of p.phones) {
    details.push([phone.kind === 'mobile' ? (german ? 'Mobil' : 'Mobile') : 'Tel', phone.printed]);
  }
  if (p.fax) details.push(['Fax', p.fax]);
  details.push(['E-Mail', p.email]);
  if (p.wechatId) details.push(['WeChat', p.wechatId]);
  if (p.address) details.push(['Address', p.address.join('<br>')]);
  if (p.website) details.push(['Web', p.website]);
  const name = p.latinAs ?? `${p.title ? `${p.title} ` : ''}${p.givenName} ${p.familyName}`;
  return { name, organisation: p.organisation, position: p.position, details };
}

/** The card's HTML (1050 × 600 CSS px, 90 × 54 mm at ~300 dpi / 2.5). */
function cardHtml(side: Side, layout: Layout, font: string, accent: string): string {
  const value = (label: string, v: string) =>
    label === 'Address' ? v.split('<br>').map(esc).join('<br>') : esc(v);
  const rows = side.details
    .map(
      ([label, v]) =>
        `<div class="row"><span class="l">${esc(label)}:</span> ${value(label, v)}</div>`,
    )
    .join('');
  const table = side.details
    .map(([label, v]) => `<tr><td class="l">${esc(label)}</td><td>${value(label, v)}</td></tr>`)
    .join('');
  const head = `<div class="name">${esc(side.name)}</div>${
    side.position ? `<div class="pos">${esc(side.position)}</div>` : ''
  }`;
  const org = side.organisation ? `<div class="org">${esc(side.organisation)}</div>` : '';
  const bodies: Record<Layout, string> = {
    centred: `<div class="centred">${org}${head}<div class="details">${rows}</div></div>`,
    left: `<div class="left">${head}<div class="details">${rows}</div>${org}</div>`,
    columns: `<div class="columns"><div class="a">${org}${head}</div><div class="b">${rows}</div></div>`,
    labels: `<div class="left">${org}${head}<table class="details">${table}</table></div>`,
    band: `<div class="band">${org || '&nbsp;'}</div><div class="left under">${head}<div class="details">${rows}</div></div>`,
  };
  return `<div class="card" style="font-family:'${font}';--accent:${accent}">${bodies[layout]}</div>`;
}

const STYLE = `
  html,body{margin:0;width:1400px;height:900px;overflow:hidden}
  body{background:radial-gradient(circle at 30% 20%,#a9a39a,#6d665d)}
  .card{position:absolute;left:175px;top:150px;width:1050px;height:600px;box-sizing:border-box;
    padding:50px 60px;background:#fbfaf6;color:#1e1e1e;box-shadow:0 8px 24px rgba(0,0,0,.45);
    font-size:24px;line-height:1.45;overflow:hidden}
  .name,.org,.pos,.row,td{white-space:nowrap}
  .name{font-size:2.35em;font-weight:600;line-height:1.2}
  .pos{font-size:1.15em;color:#444;margin-bottom:26px}
  .org{font-size:1.25em;color:var(--accent);font-weight:600;margin-bottom:22px}
  .centred{text-align:center}
  .left .org{margin:26px 0 0}
  .columns{display:flex;gap:40px;height:100%}
  .columns .a{flex:1.1;display:flex;flex-direction:column;justify-content:center;border-right:3px solid var(--accent);padding-right:30px}
  .columns .b{flex:1.2;display:flex;flex-direction:column;justify-content:center;font-size:.92em}
  .l{color:#555}
  table.details{border-collapse:collapse}
  table.details td{padding:0 16px 2px 0;vertical-align:top}
  .band{position:absolute;left:0;right:0;top:0;height:110px;background:var(--accent);color:#fff;
    padding:0 60px;display:flex;align-items:center}
  .band .org{color:#fff;margin:0}
  .under{margin-top:100px}
  .light{position:absolute;inset:0;background:linear-gradient(110deg,rgba(255,255,255,.18),rgba(0,0,0,.16));pointer-events:none}
`;

/** Grain over the photo: a canvas of grey dots from the seed, drawn in the page. */
const GRAIN = (seed: number) => {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const canvas = document.createElement('canvas');
  canvas.width = 1400;
  canvas.height = 900;
  canvas.style.cssText = 'position:absolute;inset:0;pointer-events:none';
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(1400, 900);
  for (let i = 0; i < image.data.length; i += 4) {
    const v = random() < 0.5 ? 0 : 255;
    image.data[i] = v;
    image.data[i + 1] = v;
    image.data[i + 2] = v;
    image.data[i + 3] = Math.floor(random() * 40);
  }
  ctx.putImageData(image, 0, 0);
  document.body.appendChild(canvas);
};

/**
 * The card's photos (one per side), PNG, 2100 × 1350 px: the card about 1600 px wide, as a phone
 * photo of a card on a table, downscaled by the app, would be.
 */
export async function photograph(
  page: Page,
  spec: CardSpec,
  random: () => number,
): Promise<Buffer[]> {
  const sides: [Side, Layout][] = spec.chineseFront
    ? [[chineseSide(spec.person), spec.layout]]
    : [[latinSide(spec.person), spec.layout]];
  if (spec.bilingual) sides.push([latinSide(spec.person), spec.backLayout ?? spec.layout]);
  {
    const images: Buffer[] = [];
    for (const [side, layout] of sides) {
      const turn = (random() * 2 - 1) * 3;
      const blur = 0.3 + random() * 0.5;
      await page.setContent(
        `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE}</style></head><body>${cardHtml(
          side,
          layout,
          spec.font,
          spec.accent,
        )}</body></html>`,
      );
      await page.evaluate(
        ({ turn, blur }) => {
          const card = document.querySelector<HTMLElement>('.card')!;
          // Smaller type until everything fits on the card, as its designer would have set it.
          const fits = () =>
            [...card.querySelectorAll<HTMLElement>('.name,.org,.pos,.row,td')].every((e) => {
              const box = e.getBoundingClientRect();
              const edge = card.getBoundingClientRect();
              return box.right <= edge.right - 20 && box.bottom <= edge.bottom - 10;
            });
          for (let size = 24; size > 12 && !fits(); size--) card.style.fontSize = `${size}px`;
          card.style.transform = `rotate(${turn}deg)`;
          card.style.filter = `blur(${blur}px)`;
          const light = document.createElement('div');
          light.className = 'light';
          card.appendChild(light);
        },
        { turn, blur },
      );
      await page.evaluate(GRAIN, Math.floor(random() * 2 ** 31));
      await page.evaluate(() => document.fonts.ready);
      images.push(await page.screenshot({ type: 'jpeg', quality: 85 }));
    }
    return images;
  }
}

/** The page the cards are photographed on (one for all: a context takes a second to open). */
export async function camera(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    deviceScaleFactor: 1.5,
  });
  return context.newPage();
}

/**
 * The photos of `specs` (per card, one per side) from the seed: rendered once per machine and
 * kept under the system's temporary folder, keyed by this file (the people, the layouts, the
 * camera), the cards, the seed and the Chromium binary, so a second run reads the same pictures
 * instead of drawing them again (the drawing was most of test/cards-ocr.e2e-spec.ts's time).
 */
export async function photographed(specs: CardSpec[], seed: number): Promise<Buffer[][]> {
  const chromium = realpathSync(CHROMIUM);
  const { size, mtimeMs } = statSync(chromium);
  const key = createHash('sha256')
    .update(readFileSync(__filename))
    .update(JSON.stringify({ specs, seed, chromium, size, mtimeMs }))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `liaison-cards-${key}`);
  const file = (card: number, side: number) => join(dir, `card-${card}-${side}.jpg`);
  // The list of sides is written last: a folder with it is whole.
  const list = join(dir, 'sides.json');
  if (existsSync(list)) {
    const sides = JSON.parse(readFileSync(list, 'utf8')) as number[];
    return sides.map((n, card) =>
      Array.from({ length: n }, (_, side) => readFileSync(file(card, side))),
    );
  }
  const browser = await launch();
  const photos: Buffer[][] = [];
  try {
    const random = seeded(seed);
    const page = await camera(browser);
    for (const spec of specs) photos.push(await photograph(page, spec, random));
  } finally {
    await browser.close();
  }
  // Written aside, then renamed into place: a run beside this one never reads half a set.
  const aside = `${dir}.${process.pid}`;
  mkdirSync(aside, { recursive: true });
  photos.forEach((sides, card) =>
    sides.forEach((jpeg, side) => writeFileSync(join(aside, `card-${card}-${side}.jpg`), jpeg)),
  );
  writeFileSync(join(aside, 'sides.json'), JSON.stringify(photos.map((sides) => sides.length)));
  try {
    renameSync(aside, dir);
  } catch {
    rmSync(aside, { recursive: true, force: true }); // another run put the same set there first
  }
  return photos;
}
