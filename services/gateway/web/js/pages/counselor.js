// placeholder until its pages land
export const routes = [];
