export interface Product {
  id: string;
  name: string;
  price: number;
  emoji: string;
  description: string;
  /** A product video, tracked with the content/video engagement events. */
  video?: { contentId: string; title: string };
}

export const CURRENCY = 'EUR';

export const CATALOG: Product[] = [
  {
    id: 'sku-espresso',
    name: 'Espresso beans 1 kg',
    price: 24.5,
    emoji: '☕',
    description: 'Dark roast, notes of cocoa and hazelnut.',
  },
  {
    id: 'sku-grinder',
    name: 'Hand grinder',
    price: 89,
    emoji: '⚙️',
    description: 'Steel burrs, 40 grind settings.',
    video: { contentId: 'video-grinder-demo', title: 'The hand grinder at work' },
  },
  {
    id: 'sku-mug',
    name: 'Stoneware mug',
    price: 16,
    emoji: '🍵',
    description: 'Hand glazed, 300 ml.',
  },
  {
    id: 'sku-kettle',
    name: 'Pour-over kettle',
    price: 59.9,
    emoji: '🫖',
    description: 'Gooseneck spout for a steady pour.',
  },
];

export const productById = (id: string) => CATALOG.find((p) => p.id === id);

/** Products whose name or description mentions every word of the query. */
export function searchCatalog(query: string): Product[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return CATALOG.filter((p) =>
    words.every((w) => `${p.name} ${p.description}`.toLowerCase().includes(w)),
  );
}
