// The demo's data: a small help center (what retrieval searches) and an orders table (what the tool reads).

/** A help-center article. */
export interface Article {
  id: string;
  title: string;
  text: string;
}

export const ARTICLES: readonly Article[] = [
  {
    id: 'kb-101',
    title: 'Tracking an order',
    text:
      'Every order gets a tracking number by email when it ships. Delivery takes 2-4 working days; ' +
      'a delayed order usually arrives within 2 extra days.',
  },
  {
    id: 'kb-102',
    title: 'Returns and refunds',
    text:
      'Unused items can be returned within 30 days. Refunds reach the original payment method within ' +
      '5 working days after the return arrives.',
  },
  {
    id: 'kb-103',
    title: 'Worn or used gear',
    text:
      'Boots and clothing worn outdoors cannot be returned, but they are covered by the warranty ' +
      'against defects in materials or workmanship.',
  },
  {
    id: 'kb-104',
    title: 'Tent and backpack warranty',
    text:
      'Tents and backpacks have a 5-year warranty covering seams, zips, poles and fabric. Send a photo ' +
      'of the defect and your order number to claim it.',
  },
  {
    id: 'kb-105',
    title: 'Shipping costs and delivery',
    text:
      'Shipping is free from 50 EUR, otherwise 4.90 EUR. Express delivery costs 9.90 EUR and arrives the ' +
      'next working day.',
  },
  {
    id: 'kb-106',
    title: 'Payment methods and loyalty programme',
    text:
      'We accept cards, PayPal and invoice. Loyalty members earn 1 point per euro and get a friendly ' +
      'discount on their next order.',
  },
];

/** A row of the orders table. */
export interface Order {
  orderId: string;
  items: string[];
  status: 'processing' | 'shipped' | 'delivered';
  carrier?: string;
  trackingNumber?: string;
  shippedOn?: string;
  expectedOn?: string;
}

export const ORDERS: Readonly<Record<string, Order>> = {
  'A-1042': {
    orderId: 'A-1042',
    items: ['Trailblazer 2 tent', 'Summit 40 backpack'],
    status: 'shipped',
    carrier: 'DHL',
    trackingNumber: 'DHL-7781-2290',
    shippedOn: '2025-11-03',
    expectedOn: '2025-11-07',
  },
  'A-1043': { orderId: 'A-1043', items: ['Ridge hiking boots'], status: 'processing' },
};
