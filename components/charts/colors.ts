/** Series colours shared by the charts (client) and their legends (server). Every series is also named in words. */
export const CHART_COLORS = {
  used: "#6366f1",
  projection: "#d97706",
  limit: "#dc2626",
  bars: "#6366f1",
  gauge: "#0d9488",
} as const;
