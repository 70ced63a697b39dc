export const routes = [];
export const unseenCount = () => 0;
